import type { FastifyBaseLogger } from 'fastify';
import type { App } from '../app-type.js';
import type { Config } from '../config.js';
import { foldCounterDeltas } from '../core/counters.js';
import type { Db } from '../db/index.js';
import {
  type FanOutResult,
  fanOutOptions,
  processOutbox,
} from '../modules/feed/timeline.service.js';

/**
 * The writes a request leaves to the background, every TIMELINE_TICK_MS on each instance:
 * - the fan-out of new posts and reposts to home timelines (docs/decisions.md "Home timelines
 *   fanned out on write"): the outbox is drained; several instances share it through FOR
 *   UPDATE SKIP LOCKED;
 * - the fold of pending counter deltas into their counters (docs/decisions.md "Counters under
 *   contention"; one instance at a time, the others skip it).
 * A host without a long-lived process calls GET /internal/cron/fan-out, which does both.
 */
type Log = Pick<FastifyBaseLogger, 'error'>;

export interface WriteBehindResult {
  fanOut: FanOutResult | undefined;
  folded: number | undefined;
}

/** One tick; logs, and never throws (a timer has nobody to catch it). */
export async function writeBehind(db: Db, config: Config, log: Log): Promise<WriteBehindResult> {
  let fanOut: FanOutResult | undefined;
  let folded: number | undefined;
  try {
    fanOut = await processOutbox(db, fanOutOptions(config));
  } catch (error) {
    log.error({ err: error }, 'fanning out to home timelines failed');
  }
  try {
    folded = await foldCounterDeltas(db);
  } catch (error) {
    log.error({ err: error }, 'folding counter deltas failed');
  }
  return { fanOut, folded };
}

export function startWriteBehind(app: App, tickMs = app.config.timelineTickMs): () => void {
  let running = false;
  let stopped = false;
  const every = setInterval(() => {
    if (running || stopped) return;
    running = true;
    void writeBehind(app.db, app.config, app.log).finally(() => {
      running = false;
    });
  }, tickMs);
  // unref: the timer alone never keeps the process alive (shutdown, tests)
  every.unref();
  return () => {
    stopped = true;
    clearInterval(every);
  };
}
