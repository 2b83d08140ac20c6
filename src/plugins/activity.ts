import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';

/**
 * Activity for the metrics (docs/metrics.md "Activity"): a signed-in user's requests are written at most once
 * a minute per user, after the response, so reads don't turn into writes. The first request of
 * a minute is written at once; the others are counted in memory and written, with the time of
 * the last of them, before the user's next write, every minute by a timer, and when the server
 * closes. So they count in the session they belong to, even when the next request comes after
 * a gap that starts a new one. One user's writes go one after the other.
 *
 * The write itself is `recordActivity` (sessions of modules/metrics), handed over where the app
 * is assembled.
 */
const WRITE_EVERY_MS = 60_000;
const MAX_TRACKED = 100_000;

declare module 'fastify' {
  interface FastifyInstance {
    /**
     * The tracker's clock (tests move it instead of waiting), `flush()`, which writes every
     * count held in memory, and `settled()`, which resolves when the writes under way ended.
     */
    activity: { now: () => number; flush: () => Promise<void>; settled: () => Promise<void> };
  }
}

interface Entry {
  /** When the last write for this user was started (tracker clock). */
  lastWrite: number;
  /** Requests counted since then and not written yet, and the time of the last of them. */
  pending: number;
  lastRequest: number;
  /** This user's writes, one after the other. */
  chain: Promise<void>;
}

export interface ActivityOptions {
  /** Records `requests` requests of a user, the last of them at `at`. */
  recordActivity: (userId: string, requests: number, at: Date) => Promise<void>;
}

export const activityPlugin = fp(async (app: FastifyInstance, options: ActivityOptions) => {
  const entries = new Map<string, Entry>();
  const inFlight = new Set<Promise<void>>();

  const write = (userId: string, entry: Entry, requests: number, at: number) => {
    const done = entry.chain
      .then(() => options.recordActivity(userId, requests, new Date(at)))
      .catch((error: unknown) => app.log.warn({ err: error }, 'could not record activity'));
    entry.chain = done;
    inFlight.add(done);
    void done.finally(() => inFlight.delete(done));
  };
  const writePending = (userId: string, entry: Entry) => {
    if (entry.pending === 0) return;
    write(userId, entry, entry.pending, entry.lastRequest);
    entry.pending = 0;
  };
  const flush = async () => {
    for (const [userId, entry] of entries) writePending(userId, entry);
    await Promise.allSettled([...inFlight]);
  };

  app.decorate('activity', {
    now: () => Date.now(),
    flush,
    settled: async () => {
      // onResponse hooks run after the response has gone: let them start their writes first
      await new Promise((resolve) => setImmediate(resolve));
      await Promise.allSettled([...inFlight]);
    },
  });

  const timer = setInterval(() => {
    const now = app.activity.now();
    for (const [userId, entry] of entries) {
      if (now - entry.lastWrite >= WRITE_EVERY_MS) {
        writePending(userId, entry);
        // idle for a minute: forget the user; their next request is written at once
        if (entry.pending === 0) entries.delete(userId);
      }
    }
  }, WRITE_EVERY_MS);
  timer.unref();
  app.addHook('onClose', async () => {
    clearInterval(timer);
    await flush();
  });

  app.addHook('onResponse', async (request) => {
    const userId = request.auth?.userId;
    if (!userId) return;
    const now = app.activity.now();
    let entry = entries.get(userId);
    if (entry && now - entry.lastWrite < WRITE_EVERY_MS) {
      entry.pending++;
      entry.lastRequest = now;
      return;
    }
    if (!entry) {
      if (entries.size >= MAX_TRACKED) await flush().then(() => entries.clear());
      entry = { lastWrite: now, pending: 0, lastRequest: now, chain: Promise.resolve() };
      entries.set(userId, entry);
    }
    writePending(userId, entry);
    entry.lastWrite = now;
    entry.lastRequest = now;
    write(userId, entry, 1, now);
  });
});
