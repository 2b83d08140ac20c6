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

/** Due unless refreshed within the last `ms` (a cron that delivers the same call twice). */
export const olderThan =
  (ms: number, now = new Date()): DuePolicy =>
  (_view, last) =>
    last === null || now.getTime() - last.getTime() >= ms;

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
          ? refreshed.includes('daily_metrics') || isDue(view, last.get(view) ?? null)
          : isDue(view, last.get(view) ?? null);
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
