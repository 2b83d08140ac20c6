import type { FastifyBaseLogger } from 'fastify';
import type { App } from '../app-type.js';
import type { Db } from '../db/index.js';
import {
  type RefreshResult,
  refreshViews,
  SCHEDULER_TICK_MS,
  scheduledPolicy,
} from '../modules/metrics/views.service.js';
import { liftExpiredSuspensions } from '../modules/moderation/moderation.service.js';

/**
 * The in-process scheduler of the materialized views (docs/metrics.md): trending hourly, the daily
 * metrics once a UTC day. Every instance runs it; rather than trusting its own timers, each
 * tick asks the database when each view was last refreshed (view_refreshes), under the
 * refresh lock, so that N instances still refresh each view once an interval, and a restart
 * neither skips a refresh nor repeats one.
 */
const FIRST_TICK_MS = 30_000;
/** How often expired suspensions are lifted (docs/rules.md "Suspension"). */
export const SUSPENSIONS_TICK_MS = 30_000;
type Log = Pick<FastifyBaseLogger, 'info' | 'error'>;

/** One tick: refreshes what is due; logs, and never throws (a timer has nobody to catch it). */
export async function scheduledRefresh(
  db: Db,
  log: Log,
  now = new Date(),
): Promise<RefreshResult | undefined> {
  try {
    const result = await refreshViews(db, { isDue: scheduledPolicy(now) });
    if (result.refreshed.length > 0) {
      log.info({ refreshed: result.refreshed }, 'materialized views refreshed');
    }
    return result;
  } catch (error) {
    log.error({ err: error }, 'refreshing the materialized views failed');
    return undefined;
  }
}

/** Lifts the suspensions that expired; logs, and never throws. */
export async function scheduledLifts(db: Db, log: Log): Promise<number> {
  try {
    const lifted = await liftExpiredSuspensions(db);
    if (lifted > 0) log.info({ lifted }, 'expired suspensions lifted');
    return lifted;
  } catch (error) {
    log.error({ err: error }, 'lifting expired suspensions failed');
    return 0;
  }
}

export function startScheduler(
  app: App,
  { firstTickMs = FIRST_TICK_MS, tickMs = SCHEDULER_TICK_MS, liftMs = SUSPENSIONS_TICK_MS } = {},
): () => void {
  let running = false;
  let stopped = false;
  const tick = async () => {
    if (running || stopped) return;
    running = true;
    try {
      await scheduledRefresh(app.db, app.log);
    } finally {
      running = false;
    }
  };
  // unref: the timers alone never keep the process alive (shutdown, tests)
  const first = setTimeout(() => void tick(), firstTickMs);
  first.unref();
  const every = setInterval(() => void tick(), tickMs);
  every.unref();
  let lifting = false;
  const lifts = setInterval(() => {
    if (lifting || stopped) return;
    lifting = true;
    void scheduledLifts(app.db, app.log).finally(() => {
      lifting = false;
    });
  }, liftMs);
  lifts.unref();
  return () => {
    stopped = true;
    clearTimeout(first);
    clearInterval(every);
    clearInterval(lifts);
  };
}
