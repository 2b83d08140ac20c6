import { mkdirSync } from 'node:fs';
import { PGlite } from '@electric-sql/pglite';
import { pg_trgm } from '@electric-sql/pglite/contrib/pg_trgm';
import { Kysely, PostgresDialect, sql } from 'kysely';
import pg from 'pg';
import { PGliteDialect } from './pglite-dialect.js';
import type { DB } from './types.js';

export type { DB } from './types.js';
export type Db = Kysely<DB>;

export interface Database {
  db: Db;
  /** "postgres" for a server reached by URL, "pglite" for the embedded database. */
  kind: 'postgres' | 'pglite';
  /** Human-readable place of the database, without credentials. */
  describe: string;
  /** Round trip to the database; rejects when it is unreachable or slower than timeoutMs. */
  ping(timeoutMs?: number): Promise<number>;
  close(): Promise<void>;
}

export interface DatabaseOptions {
  databaseUrl: string | undefined;
  pgliteDataDir: string;
  databasePoolMax?: number;
  /** An already-open PGlite instance (tests load a migrated template into one). */
  pglite?: PGlite;
}

// bigint columns (count(*), sums) come back as numbers: our counts stay far below 2^53.
// A date (a UTC calendar day in the metrics) stays the string 'YYYY-MM-DD', not a local Date.
const INT8 = 20;
const DATE = 1082;
const parsers = {
  [INT8]: (value: string) => Number(value),
  [DATE]: (value: string) => value,
};
const pgTypes = {
  getTypeParser(oid: number, format?: 'text' | 'binary') {
    return parsers[oid as keyof typeof parsers] ?? pg.types.getTypeParser(oid, format);
  },
};

export async function openPGlite(dataDir: string, loadDataDir?: Blob): Promise<PGlite> {
  if (!dataDir.startsWith('memory://')) mkdirSync(dataDir, { recursive: true });
  const pglite = new PGlite(dataDir, {
    extensions: { pg_trgm },
    parsers,
    ...(loadDataDir ? { loadDataDir } : {}),
  });
  await pglite.waitReady;
  return pglite;
}

export async function openDatabase(options: DatabaseOptions): Promise<Database> {
  if (options.databaseUrl) {
    const pool = new pg.Pool({
      connectionString: options.databaseUrl,
      max: options.databasePoolMax ?? 10,
      types: pgTypes,
      statement_timeout: 15_000,
      connectionTimeoutMillis: 5_000,
      idleTimeoutMillis: 30_000,
      application_name: 'pageshare-api',
    });
    // An idle client can lose its server (restart, network); the pool replaces it. Without a
    // listener the error would crash the process.
    pool.on('error', () => {});
    const db = new Kysely<DB>({ dialect: new PostgresDialect({ pool }) });
    const where = new URL(options.databaseUrl);
    return {
      db,
      kind: 'postgres',
      describe: `PostgreSQL at ${where.hostname}:${where.port || 5432}${where.pathname}`,
      ping: (timeoutMs) => ping(db, timeoutMs),
      close: () => db.destroy(),
    };
  }
  const pglite = options.pglite ?? (await openPGlite(options.pgliteDataDir));
  const db = new Kysely<DB>({ dialect: new PGliteDialect(pglite) });
  return {
    db,
    kind: 'pglite',
    describe: `embedded PostgreSQL (PGlite) in ${options.pgliteDataDir}`,
    ping: (timeoutMs) => ping(db, timeoutMs),
    close: async () => {
      await db.destroy();
      if (!pglite.closed) await pglite.close();
    },
  };
}

async function ping(db: Db, timeoutMs = 2_000): Promise<number> {
  const started = performance.now();
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error('database ping timed out')), timeoutMs);
  });
  try {
    await Promise.race([sql`select 1`.execute(db), timeout]);
    return performance.now() - started;
  } finally {
    clearTimeout(timer);
  }
}
