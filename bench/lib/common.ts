import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** Shared by bench/seed.ts and bench/run.ts: where things live, the fixture, small helpers. */

export const BENCH_DIR = path.dirname(path.dirname(fileURLToPath(import.meta.url)));
export const ROOT_DIR = path.dirname(BENCH_DIR);
export const CACHE_DIR = path.join(BENCH_DIR, '.cache');
export const RESULTS_DIR = path.join(BENCH_DIR, 'results');
export const FIXTURE_PATH = path.join(CACHE_DIR, 'fixture.json');

export const DEFAULT_BENCH_URL = 'postgres://postgres@127.0.0.1:5432/pageshare_bench';

export interface FixtureUser {
  id: string;
  username: string;
}

/** What the seed made, for the run script (bench/.cache/fixture.json, git-ignored). */
export interface Fixture {
  seededAt: string;
  /** The "now" every generated time is relative to. */
  anchor: string;
  database: string;
  scale: number;
  seedSeconds: number;
  /** Rows per table, counted after seeding. */
  rows: Record<string, number>;
  users: {
    follower500: FixtureUser;
    /** follows nobody; holds the most muted words a user may (100) */
    followsNobody: FixtureUser & { mutedWords: number };
    withFilters: FixtureUser & { mutes: number; blocks: number };
    admin: FixtureUser;
  };
  /** Ticker with the most live posts, and the next few. */
  busiestSymbol: string;
  hotSymbols: Array<{ symbol: string; posts: number }>;
  /** A prefix that many usernames and some tickers start with. */
  searchPrefix: string;
  /** The post with the most reactions. */
  viralPost: { id: string; reactions: number };
}

export function readFixture(): Fixture {
  try {
    return JSON.parse(readFileSync(FIXTURE_PATH, 'utf8')) as Fixture;
  } catch {
    throw new Error(`no fixture at ${FIXTURE_PATH}: run npm run bench:seed first`);
  }
}

export function writeFixture(fixture: Fixture): void {
  mkdirSync(CACHE_DIR, { recursive: true });
  writeFileSync(FIXTURE_PATH, `${JSON.stringify(fixture, null, 2)}\n`);
}

/** The same server, another database (CREATE/DROP DATABASE run from "postgres"). */
export function withDatabase(url: string, name: string): string {
  const u = new URL(url);
  u.pathname = `/${name}`;
  return u.toString();
}

export function databaseName(url: string): string {
  return decodeURIComponent(new URL(url).pathname.slice(1));
}

/** A URL fit for printing: the password hidden. */
export function redactUrl(url: string): string {
  const u = new URL(url);
  if (u.password) u.password = '***';
  return u.toString();
}

/** A flag, else an environment variable, else the default; a number that must be positive. */
export function positiveNumber(
  flag: string | undefined,
  envName: string,
  fallback: number,
  label: string,
): number {
  const raw = flag ?? process.env[envName];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isFinite(value) || value <= 0) {
    throw new Error(`${label} must be a positive number (got "${raw}")`);
  }
  return value;
}

export const fmtInt = (n: number) => Math.round(n).toLocaleString('en-US');

export function fmtSeconds(ms: number): string {
  return `${(ms / 1000).toFixed(1)} s`;
}

/**
 * What every load benchmark reads from its flags: the measured and warm-up seconds, the
 * connections, and the database (refused unless its name says "bench": a benchmark writes).
 */
export function loadFlags(flags: {
  duration?: string | undefined;
  warmup?: string | undefined;
  connections?: string | undefined;
  'database-url'?: string | undefined;
}) {
  const url = flags['database-url'] ?? process.env.BENCH_DATABASE_URL ?? DEFAULT_BENCH_URL;
  if (!databaseName(url).includes('bench')) {
    throw new Error('refusing a database without "bench" in its name');
  }
  return {
    duration: positiveNumber(flags.duration, 'BENCH_DURATION', 20, '--duration'),
    warmup: positiveNumber(flags.warmup, 'BENCH_WARMUP', 5, '--warmup'),
    connections: Math.round(
      positiveNumber(flags.connections, 'BENCH_CONNECTIONS', 20, '--connections'),
    ),
    url,
  };
}

/**
 * The tables the write benchmarks change. After a write run they hold dead row versions and
 * dead index entries, and the feeds then read several times the buffers until a vacuum clears
 * them (docs/performance.md "Following feed"): the write benchmarks vacuum them when they end.
 */
const WRITTEN_TABLES =
  'users, posts, reactions, follows, home_timeline, post_counter_deltas, user_counter_deltas';

/** VACUUM (ANALYZE) of the tables the write benchmarks change (outside a transaction). */
export async function vacuumWritten(client: { query(text: string): Promise<unknown> }) {
  const began = Date.now();
  await client.query(`vacuum (analyze) ${WRITTEN_TABLES}`);
  console.log(`vacuumed ${WRITTEN_TABLES} in ${fmtSeconds(Date.now() - began)}`);
}

/**
 * Writes a benchmark report to `file`, or beside it as `name-2.md`, `name-3.md`, ... when
 * `file` exists: a report is never overwritten (an earlier run's, linked from other reports,
 * was lost that way). Answers the path written.
 */
export function writeReport(file: string, text: string): string {
  const { dir, name, ext } = path.parse(file);
  let out = file;
  for (let n = 2; existsSync(out); n++) out = path.join(dir, `${name}-${n}${ext}`);
  mkdirSync(dir, { recursive: true });
  writeFileSync(out, text);
  return out;
}
