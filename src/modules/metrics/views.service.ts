import type { Db } from '../../db/index.js';
import {
  allowLongStatements,
  databaseNow,
  lastRefreshes,
  MATERIALIZED_VIEWS,
  type MaterializedView,
  refreshView,
  tryRefreshLock,
} from './views.repository.js';

/** Whether a view is due for a refresh, given when it was last refreshed (null: never). */
export type DuePolicy = (view: MaterializedView, lastRefreshedAt: Date | null) => boolean;

export interface RefreshResult {
  refreshed: MaterializedView[];
  /** Not due, or another instance was refreshing at that moment. */
  skipped: MaterializedView[];
  at: Date;
}

export const always: DuePolicy = () => true;

/**
 * Refreshes the views that are due, in dependency order, in one transaction that holds an
 * advisory lock: when several instances (or the scheduler, the admin route and the cron)
 * start at once, one refreshes and the others skip at once instead of queueing behind it.
 * The refreshed rows become visible together when the transaction commits.
 */
export async function refreshViews(
  db: Db,
  { isDue = always }: { isDue?: DuePolicy } = {},
): Promise<RefreshResult> {
  return db.transaction().execute(async (trx) => {
    if (!(await tryRefreshLock(trx))) {
      return { refreshed: [], skipped: [...MATERIALIZED_VIEWS], at: await databaseNow(trx) };
    }
    await allowLongStatements(trx);
    const last = await lastRefreshes(trx);
    const refreshed: MaterializedView[] = [];
    const skipped: MaterializedView[] = [];
    for (const view of MATERIALIZED_VIEWS) {
      // engagement_metrics is computed from daily_metrics: never refresh it on stale rows
      const due =
        view === 'engagement_metrics'
          ? refreshed.includes('daily_metrics') || isDue(view, last.get(view)?.refreshed_at ?? null)
          : isDue(view, last.get(view)?.refreshed_at ?? null);
      if (due) {
        await refreshView(trx, view);
        refreshed.push(view);
      } else {
        skipped.push(view);
      }
    }
    return { refreshed, skipped, at: await databaseNow(trx) };
  });
}

/** How often the in-process scheduler (src/jobs/refresh-views.ts) looks for due views. */
export const SCHEDULER_TICK_MS = 5 * 60_000;

/** A tick's lateness is at most SCHEDULER_TICK_MS, so "due after 55 minutes" refreshes about hourly. */
const TRENDING_EVERY_MS = 60 * 60_000 - SCHEDULER_TICK_MS;

function startOfUtcDay(now: Date): Date {
  return new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate()));
}

/** Trending: older than about an hour. Daily views: not yet refreshed since UTC midnight. */
/** Also the platform cron's rule: it calls hourly, and each view is refreshed as often as it needs. */
export function scheduledPolicy(now: Date): DuePolicy {
  return (view: MaterializedView, last: Date | null) => {
    if (last === null) return true;
    if (view === 'trending_tickers') return now.getTime() - last.getTime() >= TRENDING_EVERY_MS;
    return last.getTime() < startOfUtcDay(now).getTime();
  };
}
