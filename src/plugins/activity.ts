import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import { recordActivity } from '../modules/metrics/activity.repository.js';

/**
 * Activity for the metrics (METRICS.md): a signed-in user's requests are counted in memory and
 * written at most once a minute per user, after the response, so reads don't turn into writes.
 */
const WRITE_EVERY_MS = 60_000;
const MAX_TRACKED = 100_000;

declare module 'fastify' {
  interface FastifyInstance {
    /**
     * The tracker's clock (tests move it to cross the once-a-minute rule without waiting) and
     * `settled()`, which resolves when the writes under way have ended.
     */
    activity: { now: () => number; settled: () => Promise<void> };
  }
}

export const activityPlugin = fp(async (app: FastifyInstance) => {
  const pending = new Map<string, { lastWrite: number; requests: number }>();
  const inFlight = new Set<Promise<void>>();
  app.decorate('activity', {
    now: () => Date.now(),
    settled: async () => {
      // onResponse hooks run after the response has gone: let them start their writes first
      await new Promise((resolve) => setImmediate(resolve));
      await Promise.allSettled([...inFlight]);
    },
  });
  app.addHook('onClose', async () => {
    await Promise.allSettled([...inFlight]);
  });

  app.addHook('onResponse', async (request) => {
    const userId = request.auth?.userId;
    if (!userId) return;
    const now = app.activity.now();
    const entry = pending.get(userId);
    if (entry && now - entry.lastWrite < WRITE_EVERY_MS) {
      entry.requests++;
      return;
    }
    const requests = (entry?.requests ?? 0) + 1;
    if (!entry && pending.size >= MAX_TRACKED) pending.clear();
    pending.set(userId, { lastWrite: now, requests: 0 });
    const write = recordActivity(app.db, userId, requests)
      .catch((error: unknown) => request.log.warn({ err: error }, 'could not record activity'))
      .finally(() => inFlight.delete(write));
    inFlight.add(write);
  });
});
