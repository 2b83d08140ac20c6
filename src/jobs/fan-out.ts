import type { FastifyBaseLogger } from 'fastify';
import type { App } from '../app-type.js';
import type { Config } from '../config.js';
import type { Db } from '../db/index.js';
import { type FanOutResult, processOutbox } from '../modules/feed/timeline.service.js';

/**
 * The in-process fan-out of new posts and reposts to home timelines (docs/decisions.md "Home
 * timelines fanned out on write"): every TIMELINE_TICK_MS each instance drains the outbox;
 * several instances share it through FOR UPDATE SKIP LOCKED. A host without a long-lived
 * process calls GET /internal/cron/fan-out instead.
 */
type Log = Pick<FastifyBaseLogger, 'error'>;

/** The fan-out options from the settings. */
export function fanOutOptions(config: Config) {
  return { entries: config.timelineEntries, pullFollowers: config.timelinePullFollowers };
}

/** One tick; logs, and never throws (a timer has nobody to catch it). */
export async function scheduledFanOut(
  db: Db,
  config: Config,
  log: Log,
): Promise<FanOutResult | undefined> {
  try {
    return await processOutbox(db, fanOutOptions(config));
  } catch (error) {
    log.error({ err: error }, 'fanning out to home timelines failed');
    return undefined;
  }
}

export function startFanOut(app: App, tickMs = app.config.timelineTickMs): () => void {
  let running = false;
  let stopped = false;
  const every = setInterval(() => {
    if (running || stopped) return;
    running = true;
    void scheduledFanOut(app.db, app.config, app.log).finally(() => {
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
