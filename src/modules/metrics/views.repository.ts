import { sql } from 'kysely';
import type { Db } from '../../db/index.js';

/** The materialized views, in the order they must be refreshed: engagement reads daily. */
export const MATERIALIZED_VIEWS = [
  'trending_tickers',
  'daily_metrics',
  'engagement_metrics',
] as const;
export type MaterializedView = (typeof MATERIALIZED_VIEWS)[number];

/**
 * One key for every refresh run, on every instance: the lock is held until the transaction
 * ends. (An arbitrary constant: 'PGSHRFRV' read as eight bytes would not fit a JS number.)
 */
const REFRESH_LOCK_KEY = 7_308_243_116_501;

/** Takes the refresh lock for this transaction; false when another run holds it. */
export async function tryRefreshLock(trx: Db): Promise<boolean> {
  const { rows } = await sql<{ locked: boolean }>`
    select pg_try_advisory_xact_lock(${REFRESH_LOCK_KEY}::bigint) as locked`.execute(trx);
  return rows[0]?.locked === true;
}

/** A refresh may take minutes on a large database; the pool's statement timeout is 15 s. */
export async function allowLongStatements(trx: Db): Promise<void> {
  await sql`set local statement_timeout = '10min'`.execute(trx);
  await setLocalJitOff(trx);
}

/**
 * Turns JIT compilation off until the transaction ends (`set local jit = off`). The metrics queries' row estimates run high
 * (a left join of per-day counts, a generate_series a session), so PostgreSQL would compile
 * them; on the benchmark data set that cost more than it saved: refreshing daily_metrics took
 * 13 s with JIT and 6 s without, engagement_metrics 39 s and 22 s, today's figures 1.1 s and
 * 0.4 s.
 */
export async function setLocalJitOff(trx: Db): Promise<void> {
  await sql`set local jit = off`.execute(trx);
}

/** The last refresh of each view: when, and how long it took. */
export async function lastRefreshes(
  db: Db,
): Promise<Map<string, { refreshed_at: Date; duration_ms: number }>> {
  const rows = await db
    .selectFrom('view_refreshes')
    .select(['view_name', 'refreshed_at', 'duration_ms'])
    .execute();
  return new Map(rows.map((row) => [row.view_name, row]));
}

/**
 * REFRESH ... CONCURRENTLY (each view has the unique index it needs), so readers keep reading
 * the old rows until the transaction commits; then records when and how long it took.
 */
export async function refreshView(trx: Db, view: MaterializedView): Promise<void> {
  const started = performance.now();
  await sql`refresh materialized view concurrently ${sql.table(view)}`.execute(trx);
  const durationMs = Math.round(performance.now() - started);
  await trx
    .insertInto('view_refreshes')
    .values({
      view_name: view,
      refreshed_at: sql<Date>`clock_timestamp()`,
      duration_ms: durationMs,
    })
    .onConflict((oc) =>
      oc.column('view_name').doUpdateSet({
        refreshed_at: sql<Date>`excluded.refreshed_at`,
        duration_ms: sql<number>`excluded.duration_ms`,
      }),
    )
    .execute();
}

export async function databaseNow(db: Db): Promise<Date> {
  const { rows } = await sql<{ now: Date }>`select clock_timestamp() as now`.execute(db);
  return rows[0]!.now;
}
