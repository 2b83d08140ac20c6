import { Kysely, PostgresDialect, sql } from 'kysely';
import pg from 'pg';
import { buildApp } from '../../src/app.js';
import { loadConfig } from '../../src/config.js';
import type { Database, DB } from '../../src/db/index.js';
import type { Query } from './sql-load.js';

/**
 * The exact SQL a request runs, whatever module builds it: the app is built in this process on
 * a Kysely instance whose log hook records every compiled statement, and the request is sent
 * through app.inject with the same token as the load. Nothing in src/ has to expose its queries.
 * Each URL is requested twice and the second request recorded: the first may also write the
 * user's activity (once a minute) and warms whatever is cached.
 */
export interface Captured {
  status: number;
  queries: Query[];
  /** The first few hundred bytes of the answer, for the report when it is not a 2xx. */
  body: string;
}

export async function captureQueries(
  env: Record<string, string>,
  requests: Array<{ url: string; headers: Record<string, string> }>,
): Promise<Captured[]> {
  const config = loadConfig(env);
  const pool = new pg.Pool({ connectionString: config.databaseUrl, max: 2, types: pgTypes });
  let recording: Query[] | null = null;
  const db = new Kysely<DB>({
    dialect: new PostgresDialect({ pool }),
    log: (event) => {
      if (event.level === 'query' && recording) {
        recording.push({ sql: event.query.sql, parameters: [...event.query.parameters] });
      }
    },
  });
  const database: Database = {
    db,
    kind: 'postgres',
    describe: 'benchmark capture',
    identity: 'benchmark capture',
    ping: async () => {
      const started = performance.now();
      await sql`select 1`.execute(db);
      return performance.now() - started;
    },
    listen: async () => ({ close: async () => {} }),
    close: () => db.destroy(),
  };
  const app = await buildApp({ config, database });
  try {
    const results: Captured[] = [];
    for (const request of requests) {
      await app.inject({ method: 'GET', url: request.url, headers: request.headers });
      await new Promise((resolve) => setTimeout(resolve, 50)); // let a background write finish
      recording = [];
      const res = await app.inject({ method: 'GET', url: request.url, headers: request.headers });
      results.push({ status: res.statusCode, queries: recording, body: res.body.slice(0, 300) });
      recording = null;
    }
    return results;
  } finally {
    await app.close();
    await database.close();
  }
}

/** As src/db/index.ts parses them (it does not export them): int8 as number, date as text. */
export const pgTypes = {
  getTypeParser(oid: number, format?: 'text' | 'binary') {
    if (oid === 20) return (value: string) => Number(value);
    if (oid === 1082) return (value: string) => value;
    return pg.types.getTypeParser(oid, format);
  },
};
