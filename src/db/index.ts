import { createHash, randomUUID } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { pg_trgm } from '@electric-sql/pglite/contrib/pg_trgm';
import {
  Kysely,
  PostgresDialect,
  type PostgresPool,
  type PostgresPoolClient,
  type RawBuilder,
  sql,
} from 'kysely';
import pg from 'pg';
import lockfile from 'proper-lockfile';
import { type Listener, type ListenHandlers, listenPGlite, listenPostgres } from './listen.js';
import { PGliteDialect } from './pglite-dialect.js';
import type { DB } from './types.js';

export type { DB } from './types.js';
export type Db = Kysely<DB>;
export type { Listener, ListenHandlers } from './listen.js';

export interface Database {
  db: Db;
  /** "postgres" for a server reached by URL, "pglite" for the embedded database. */
  kind: 'postgres' | 'pglite';
  /** Human-readable place of the database, without credentials. */
  describe: string;
  /**
   * Names this database among others: instances of one PostgreSQL database have the same
   * (server and database name); an embedded one in memory has its own.
   */
  identity: string;
  /** Round trip to the database; rejects when it is unreachable or slower than timeoutMs. */
  ping(timeoutMs?: number): Promise<number>;
  /**
   * Receives the NOTIFY payloads of `channel` (src/db/listen.ts): one connection of its own
   * on PostgreSQL, the embedded database's own on PGlite. Resolves once listening.
   */
  listen(channel: string, handlers: ListenHandlers): Promise<Listener>;
  close(): Promise<void>;
}

export interface DatabaseOptions {
  databaseUrl: string | undefined;
  pgliteDataDir: string;
  databasePoolMax?: number;
  /** Name statements so each connection plans them once (off for transaction poolers). */
  databasePreparedStatements?: boolean;
  /** The URL of the LISTEN connection; databaseUrl when unset. */
  databaseListenUrl?: string | undefined;
  /** How long a new connection may take before the request fails (503); 5 s by default. */
  connectTimeoutMs?: number;
  /**
   * How long to wait for the embedded database's folder lock held by another process: long
   * enough for the lock of a process that died without releasing it to go stale.
   */
  lockWaitMs?: number;
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
      connectionTimeoutMillis: options.connectTimeoutMs ?? 5_000,
      idleTimeoutMillis: 30_000,
      application_name: 'pageshare-api',
    });
    // A client can lose its server (a restart ends every connection with 57P01, a network
    // cut): node-postgres then emits `error` on the client, and an event nobody listens to
    // ends the process. The pool listens on idle clients (and re-emits on itself); a client
    // checked out by a request has only this listener. The query in flight fails with the
    // same error (a 503 for the client), and the pool drops the broken client on release.
    pool.on('error', () => {});
    pool.on('connect', (client) => {
      client.on('error', () => {});
    });
    const db = new Kysely<DB>({
      dialect: new PostgresDialect({
        pool: options.databasePreparedStatements ? preparing(pool) : pool,
      }),
    });
    const where = new URL(options.databaseUrl);
    const describe = `PostgreSQL at ${where.hostname}:${where.port || 5432}${where.pathname}`;
    return {
      db,
      kind: 'postgres',
      describe,
      identity: describe,
      ping: (timeoutMs) => ping(db, timeoutMs),
      listen: (channel, handlers) =>
        listenPostgres(options.databaseListenUrl ?? options.databaseUrl!, channel, handlers),
      close: () => db.destroy(),
    };
  }
  const release = options.pglite
    ? undefined
    : await lockDataDir(options.pgliteDataDir, options.lockWaitMs);
  let pglite: PGlite;
  try {
    pglite = options.pglite ?? (await openPGlite(options.pgliteDataDir));
  } catch (error) {
    await release?.();
    throw error;
  }
  const db = new Kysely<DB>({ dialect: new PGliteDialect(pglite) });
  return {
    db,
    kind: 'pglite',
    describe: `embedded PostgreSQL (PGlite) in ${options.pgliteDataDir}`,
    identity:
      options.pglite || options.pgliteDataDir.startsWith('memory://')
        ? `pglite:${randomUUID()}`
        : `pglite:${options.pgliteDataDir}`,
    ping: (timeoutMs) => ping(db, timeoutMs),
    // through the dialect's queue, so LISTEN never lands inside another caller's transaction
    listen: (channel, handlers) =>
      db.connection().execute(() => listenPGlite(pglite, channel, handlers)),
    close: async () => {
      await db.destroy();
      if (!pglite.closed) await pglite.close();
      await release?.();
    },
  };
}

/** Thrown at start when the database cannot be used: unreachable, missing, refusing us. */
export class DatabaseUnreachableError extends Error {
  override name = 'DatabaseUnreachableError';
}

/** Errors that waiting will not fix: no such database, wrong password, no such host. */
const PERMANENT = new Set(['3D000', '28P01', '28000', 'ENOTFOUND']);

/**
 * At start, before serving: the database must answer. A server that is starting too (57P03,
 * a refused connection) gets `attempts` tries a second apart; a wrong DATABASE_URL (no such
 * database, wrong password, unknown host) fails at once. Otherwise a wrong URL started a
 * service that answered every request with an error.
 */
export async function waitForDatabase(database: Database, attempts = 10): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    try {
      await database.ping(5_000);
      return;
    } catch (error) {
      const code = (error as { code?: string }).code;
      if (attempt >= attempts || (code !== undefined && PERMANENT.has(code))) {
        const reason = (error as Error).message || String(error);
        throw new DatabaseUnreachableError(
          `cannot use the database (${database.describe}): ${reason}${code ? ` [${code}]` : ''}`,
          { cause: error },
        );
      }
      await new Promise((resolve) => setTimeout(resolve, 1_000));
    }
  }
}

/** Thrown when another process holds the embedded database's folder. */
export class DatabaseInUseError extends Error {
  override name = 'DatabaseInUseError';
}

/** The lock keeps its holder's claim fresh every LOCK_UPDATE_MS; older than LOCK_STALE_MS, it is dead. */
const LOCK_STALE_MS = 10_000;
const LOCK_UPDATE_MS = 2_500;

/**
 * One process at a time in an embedded database's folder. PGlite keeps the whole database in
 * memory and writes its folder back as it goes: a second process on the same folder started,
 * and each silently overwrote the other's writes. The lock (`<folder>.lock`, proper-lockfile)
 * is a directory whose time the holder refreshes; the lock of a process killed without
 * releasing it goes stale after LOCK_STALE_MS, so a restart after a crash waits that long at
 * most. Returns the release.
 */
async function lockDataDir(
  dataDir: string,
  waitMs = LOCK_STALE_MS + 2 * LOCK_UPDATE_MS,
): Promise<(() => Promise<void>) | undefined> {
  if (dataDir.startsWith('memory://')) return undefined;
  const folder = path.resolve(dataDir);
  mkdirSync(folder, { recursive: true });
  const attempts = Math.ceil(waitMs / 1_000);
  try {
    const release = await lockfile.lock(folder, {
      lockfilePath: `${folder}.lock`,
      stale: LOCK_STALE_MS,
      update: LOCK_UPDATE_MS,
      retries: { retries: attempts, factor: 1, minTimeout: 1_000, maxTimeout: 1_000 },
    });
    return async () => {
      await release().catch(() => {});
    };
  } catch (error) {
    if ((error as { code?: string }).code === 'ELOCKED') {
      throw new DatabaseInUseError(
        `the embedded database in ${folder} is in use by another process (lock ${folder}.lock); ` +
          'stop that process, or give this one another PGLITE_DATA_DIR',
      );
    }
    throw error;
  }
}

/**
 * Prepared statements: each distinct statement with parameters gets a name (a hash of its
 * text), so PostgreSQL parses and plans it once per connection instead of on every call;
 * planning a feed page costs as much as running it (docs/performance.md). A transaction pooler
 * (PgBouncer, Supavisor on port 6543) may hand the next call another server connection that
 * never saw the statement, hence the setting.
 */
const MAX_NAMED_PER_CONNECTION = 500;

/**
 * A statement holding this comment is never named: PostgreSQL plans it with the values each
 * time. For statements whose best plan depends on the values, like a full-text search, where
 * a rare word wants the GIN index and a common one the newest-first index: a generic plan
 * picks one for all (a rare word walked every post, 2 s, with the plan of a common one).
 */
export const PLAN_EACH_TIME = '/* plan each time */';

/**
 * Runs `fn` in a transaction with JIT compilation off (`set local jit = off`). For a statement
 * whose estimated cost passes `jit_above_cost` although it reads few rows, like the post
 * search by relevance (its estimate counts the whole newest-first walk a common word could
 * need): PostgreSQL compiled the page's ~240 expressions on every call, 690 ms, against 24 ms
 * for running it (bench/results/2026-12-07-serialize.md). A list answers in milliseconds;
 * JIT pays off only for queries that run for seconds.
 */
export function withoutJit<T>(db: Db, fn: (trx: Db) => Promise<T>): Promise<T> {
  return withLocalSetting(db, sql`set local jit = off`, fn);
}

/**
 * Runs `fn` in a transaction whose named statements run on their generic plan
 * (`set local plan_cache_mode = force_generic_plan`), the inverse of PLAN_EACH_TIME. For a
 * statement whose plan is the same whatever its values, but whose generic plan PostgreSQL
 * estimates a little costlier than the plans it makes for the values, so that it plans every
 * call anew: a ticker's stream (the busiest ticker's custom plan looks 8 % cheaper), 1.5 ms a
 * page of which 0.8 ms planning (docs/performance.md "Prepared statements"). The transaction
 * costs three short round trips; the planning it saves is larger.
 */
export function withGenericPlan<T>(db: Db, fn: (trx: Db) => Promise<T>): Promise<T> {
  return withLocalSetting(db, sql`set local plan_cache_mode = force_generic_plan`, fn);
}

/** `fn` in a transaction that first runs `set` (a `set local`: gone at its end). */
function withLocalSetting<T>(
  db: Db,
  set: RawBuilder<unknown>,
  fn: (trx: Db) => Promise<T>,
): Promise<T> {
  return db.transaction().execute(async (trx) => {
    await set.execute(trx);
    return fn(trx);
  });
}
const statementNames = new Map<string, string>();

export function statementName(text: string): string {
  let name = statementNames.get(text);
  if (name === undefined) {
    name = `ps_${createHash('sha1').update(text).digest('base64url').slice(0, 22)}`;
    if (statementNames.size < 10_000) statementNames.set(text, name);
  }
  return name;
}

function preparing(pool: pg.Pool): PostgresPool {
  const wrapped = new WeakMap<pg.PoolClient, PostgresPoolClient>();
  const wrap = (client: pg.PoolClient): PostgresPoolClient => {
    const named = new Set<string>();
    return {
      query: ((text: unknown, values?: unknown[]) => {
        if (
          typeof text === 'string' &&
          values &&
          values.length > 0 &&
          !text.includes(PLAN_EACH_TIME)
        ) {
          const name = statementName(text);
          if (named.has(name) || named.size < MAX_NAMED_PER_CONNECTION) {
            named.add(name);
            return client.query({ name, text, values });
          }
        }
        return client.query(text as string, values);
      }) as unknown as PostgresPoolClient['query'],
      release: () => client.release(),
    };
  };
  return {
    connect: async () => {
      const client = await pool.connect();
      let handle = wrapped.get(client);
      if (!handle) {
        handle = wrap(client);
        wrapped.set(client, handle);
      }
      return handle;
    },
    end: () => pool.end(),
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
