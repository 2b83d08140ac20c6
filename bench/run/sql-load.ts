import type pg from 'pg';
import { PLAN_EACH_TIME, statementName } from '../../src/db/index.js';
import { Latencies, type LoadResult } from './stats.js';

export interface Query {
  sql: string;
  parameters: unknown[];
}

/**
 * The statements one request runs, replayed through a plain pg pool: `connections` loops, each
 * on its own client, each round running the statements in order (as the request does) and
 * timed from the first send to the last row. Named (prepared) statements when `prepared`, as
 * the API runs them on a direct connection (DATABASE_PREPARED_STATEMENTS), so both sides plan
 * once per connection; unnamed otherwise, and always for a statement marked PLAN_EACH_TIME,
 * which the API too sends unnamed (planned with its values each time: src/db/index.ts).
 */
export async function runSqlLoad(
  pool: pg.Pool,
  /** the statements, or a function that gives each round its own (a write) */
  queries: Query[] | (() => Query[]),
  connections: number,
  seconds: number,
  prepared = true,
): Promise<LoadResult> {
  const latencies = new Latencies();
  const plans = { generic: 0, custom: 0 };
  let failed = 0;
  const started = performance.now();
  const deadline = started + seconds * 1000;
  await Promise.all(
    Array.from({ length: connections }, async () => {
      const client = await pool.connect();
      try {
        while (performance.now() < deadline) {
          const begin = performance.now();
          try {
            for (const q of typeof queries === 'function' ? queries() : queries) {
              if (prepared && q.parameters.length > 0 && !q.sql.includes(PLAN_EACH_TIME)) {
                await client.query({
                  name: statementName(q.sql),
                  text: q.sql,
                  values: q.parameters,
                });
              } else {
                await client.query(q.sql, q.parameters);
              }
            }
            latencies.record(performance.now() - begin);
          } catch {
            failed++;
          }
        }
        if (prepared && Array.isArray(queries)) {
          // counts since each statement was prepared on this connection (the warm-up's too)
          const { rows } = await client.query<{ generic: string; custom: string }>(
            `select coalesce(sum(generic_plans), 0) as generic,
               coalesce(sum(custom_plans), 0) as custom
             from pg_prepared_statements where name = any($1)`,
            [queries.map((q) => statementName(q.sql))],
          );
          plans.generic += Number(rows[0]?.generic ?? 0);
          plans.custom += Number(rows[0]?.custom ?? 0);
        }
      } finally {
        client.release();
      }
    }),
  );
  const result = latencies.summarize((performance.now() - started) / 1000, failed, 0);
  return prepared ? { ...result, plans } : result;
}
