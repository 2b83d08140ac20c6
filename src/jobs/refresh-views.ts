import type { App } from '../app.js';

/** Placeholder until the views module lands; replaced in the trending work. */
export function startScheduler(_app: App): () => void {
  return () => {};
}
