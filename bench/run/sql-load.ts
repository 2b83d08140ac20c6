import type pg from 'pg';
import { Latencies, type LoadResult } from './stats.js';

export interface Query {
  sql: string;
  parameters: unknown[];
}

/**
 * The statements one request runs, replayed through a plain pg pool: `connections` loops, each
 * on its own client, each round running the statements in order (as the request does) and
 * timed from the first send to the last row. Unnamed statements, like Kysely's, so both sides
 * parse and plan every time.
 */
export async function runSqlLoad(
  pool: pg.Pool,
  queries: Query[],
  connections: number,
  seconds: number,
): Promise<LoadResult> {
  const latencies = new Latencies();
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
            for (const q of queries) await client.query(q.sql, q.parameters);
            latencies.record(performance.now() - begin);
          } catch {
            failed++;
          }
        }
      } finally {
        client.release();
      }
    }),
  );
  return latencies.summarize((performance.now() - started) / 1000, failed, 0);
}
