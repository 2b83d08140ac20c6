import { randomBytes } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { Kysely, PostgresDialect } from 'kysely';
import pg from 'pg';
import type { DB } from '../src/db/index.js';
import { migrationStatus } from '../src/db/migrator.js';
import { mintToken } from '../src/lib/tokens.js';
import {
  CACHE_DIR,
  DEFAULT_BENCH_URL,
  fmtInt,
  positiveNumber,
  RESULTS_DIR,
  readFixture,
  writeReport,
} from './lib/common.js';
import { captureQueries, pgTypes } from './run/capture.js';
import { deepCursor, machineInfo } from './run/context.js';
import { runHttpLoad } from './run/http-load.js';
import {
  evaluateTargets,
  ms,
  pct,
  planShare,
  renderReport,
  type ScenarioResult,
} from './run/report.js';
import { type Scenario, scenarios, VIEWER_ACCOUNT } from './run/scenarios.js';
import { benchServerEnv, sleep, startServer } from './run/server.js';
import { type Query, runSqlLoad } from './run/sql-load.js';

/**
 * npm run bench:run -- [--duration 20] [--warmup 5] [--connections 20] [--only feed-all,...]
 * Starts the API on the benchmark database, loads each scenario with autocannon, replays the
 * same SQL through a plain pg pool, and writes bench/results/YYYY-MM-DD-<commit>.md.
 */
const USAGE = `usage: npm run bench:run -- [options]
  --duration <s>       measured seconds per run (default 20)            BENCH_DURATION
  --warmup <s>         unmeasured seconds before each run (default 5)   BENCH_WARMUP
  --connections <n>    concurrent connections, HTTP and SQL (default 20) BENCH_CONNECTIONS
  --api-pool <n>       the API's DATABASE_POOL_MAX (default: --connections)
  --only <ids>         comma-separated scenario ids (health, feed-all, feed-following,
                       feed-deep, feed-filtered, ticker, search, search-common-recent,
                       search-common-relevance, search-rare-recent, search-rare-relevance,
                       sentiment-hourly, sentiment-daily, feed-watchlist)
  --skip-raw           do not replay the SQL through pg
  --depth <n>          posts back for the deep page (default 10000)
  --database-url <url> default ${DEFAULT_BENCH_URL}   BENCH_DATABASE_URL
  --out <file>         where to write the report (default bench/results/DATE-COMMIT.md)`;

const { values: flags } = parseArgs({
  options: {
    duration: { type: 'string' },
    warmup: { type: 'string' },
    connections: { type: 'string' },
    'api-pool': { type: 'string' },
    only: { type: 'string' },
    'skip-raw': { type: 'boolean', default: false },
    depth: { type: 'string' },
    'database-url': { type: 'string' },
    out: { type: 'string' },
    help: { type: 'boolean', short: 'h', default: false },
  },
});

async function main(): Promise<void> {
  if (flags.help) {
    console.log(USAGE);
    return;
  }
  const duration = positiveNumber(flags.duration, 'BENCH_DURATION', 20, '--duration');
  const warmup = positiveNumber(flags.warmup, 'BENCH_WARMUP', 5, '--warmup');
  const connections = Math.round(
    positiveNumber(flags.connections, 'BENCH_CONNECTIONS', 20, '--connections'),
  );
  const apiPool = Math.round(
    positiveNumber(flags['api-pool'], 'BENCH_API_POOL', connections, '--api-pool'),
  );
  const depth = Math.round(positiveNumber(flags.depth, 'BENCH_DEPTH', 10_000, '--depth'));
  const url = flags['database-url'] ?? process.env.BENCH_DATABASE_URL ?? DEFAULT_BENCH_URL;
  const fixture = readFixture();

  const secret = randomBytes(32).toString('base64url');
  const env = await benchServerEnv(url, apiPool, secret);
  const headers = async (userId: string) => ({
    authorization: `Bearer ${await mintToken({ userId, secret, expiresInSeconds: 6 * 3600 })}`,
  });
  const viewers = {
    follower500: await headers(fixture.users[VIEWER_ACCOUNT.follower500].id),
    withFilters: await headers(fixture.users[VIEWER_ACCOUNT.withFilters].id),
    mutedWords: await headers(fixture.users[VIEWER_ACCOUNT.mutedWords].id),
  };

  // read-only: a replayed or EXPLAINed statement that writes fails instead of changing the data
  const pool = new pg.Pool({
    connectionString: url,
    max: connections,
    types: pgTypes,
    options: '-c default_transaction_read_only=on',
  });
  const db = new Kysely<DB>({ dialect: new PostgresDialect({ pool }) });
  const machine = await machineInfo(pool);
  // seeded by an older checkout: the API would warn and run without the newer indexes
  const pending = (await migrationStatus(db)).filter((m) => !m.executedAt).map((m) => m.name);
  if (pending.length) {
    console.warn(
      `warning: the bench database lacks migration(s) ${pending.join(', ')}: ` +
        'run `DATABASE_URL=<bench url> npm run db:migrate` or seed again',
    );
  }
  mkdirSync(CACHE_DIR, { recursive: true });
  console.log(`starting the API (pool ${apiPool}) on ${env.HOST}:${env.PORT}`);
  const server = await startServer(env, path.join(CACHE_DIR, 'server.log'));
  process.once('SIGINT', () => void server.stop().then(() => process.exit(130)));

  try {
    const deep = await deepCursor(server.base, viewers.follower500, pool, depth);
    console.log(`deep cursor: ${deep.how}`);
    const only = flags.only?.split(',').map((s) => s.trim());
    const list = scenarios(fixture, deep.cursor).filter((s) => !only || only.includes(s.id));

    const results: ScenarioResult[] = [];
    for (const scenario of list) {
      const res = await fetch(server.base + scenario.path, { headers: viewers[scenario.viewer] });
      const body = await res.text();
      results.push({
        scenario,
        available: res.status !== 404,
        note:
          res.status === 404 ? `404 ${errorMessage(body)}` : res.ok ? '' : `answers ${res.status}`,
        api: null,
        raw: null,
        rawNote: '',
        queries: [],
      });
    }
    const measured = results.filter((r) => r.available);
    const captured = await captureQueries(
      env,
      measured.map((r) => ({ url: r.scenario.path, headers: viewers[r.scenario.viewer] })),
    );
    for (const [i, r] of measured.entries())
      r.queries = await rawQueries(r.scenario, captured[i]!.queries, db, fixture);

    for (const r of results) {
      if (!r.available) {
        console.log(`${r.scenario.id}: not available (${r.note})`);
        continue;
      }
      const load = {
        url: server.base + r.scenario.path,
        headers: viewers[r.scenario.viewer],
        connections,
      };
      await runHttpLoad({ ...load, seconds: warmup });
      r.api = await runHttpLoad({ ...load, seconds: duration });
      if (flags['skip-raw'] || r.scenario.raw === null) r.rawNote = 'skipped';
      else if (r.queries.length === 0) r.rawNote = 'no SQL captured';
      else {
        await runSqlLoad(pool, r.queries, connections, warmup);
        r.raw = await runSqlLoad(pool, r.queries, connections, duration);
      }
      console.log(
        `${r.scenario.id}: API ${fmtInt(r.api.rps)} req/s, p50 ${ms(r.api.p50)} p95 ${ms(r.api.p95)} ` +
          `p99 ${ms(r.api.p99)} ms, non-2xx ${r.api.non2xx}` +
          (r.raw
            ? `; raw SQL ${fmtInt(r.raw.rps)}/s, p95 ${ms(r.raw.p95)} ms; API ÷ raw ${pct(r.api.rps / r.raw.rps)}` +
              (r.raw.plans?.custom ? `; custom plans ${planShare(r.raw.plans)}` : '')
            : ''),
      );
      await sleep(1000);
    }

    const targets = evaluateTargets(results, connections);
    const explains = [];
    for (const id of new Set(targets.flatMap((t) => t.faults))) {
      const r = results.find((x) => x.scenario.id === id);
      for (const q of r?.queries ?? []) {
        if (!/^\s*(select|with)\b/i.test(q.sql)) continue;
        const plan = await pool
          .query(`explain (analyze, buffers) ${q.sql}`, q.parameters)
          .then((res) => res.rows.map((row) => row['QUERY PLAN']).join('\n'))
          .catch((error: Error) => `EXPLAIN failed: ${error.message}`);
        explains.push({
          scenario: id,
          sql: q.sql,
          plan,
        });
      }
    }
    const date = new Date().toISOString().slice(0, 10);
    const report = renderReport({
      date,
      machine,
      fixture,
      settings: [
        `${connections} connections; ${duration} s measured after a ${warmup} s warm-up, for the API (autocannon 9) and for the raw SQL (pg, ${connections} clients)`,
        `API: \`node --import tsx src/server.ts\`, NODE_ENV=production, DATABASE_POOL_MAX=${apiPool}, LOG_LEVEL=warn, RATE_LIMIT_MAX=0, SCHEDULER_ENABLED=false`,
        `viewer ${fixture.users.follower500.username} (follows 500) unless the scenario says otherwise; deep cursor: ${deep.how}`,
        'load generator, API and PostgreSQL share the machine',
        pending.length
          ? `**the database lacked migration(s) ${pending.join(', ')}** (seeded by an older checkout)`
          : 'the database had every migration of this checkout',
      ],
      results,
      targets,
      explains,
    });
    const out = writeReport(
      flags.out ?? path.join(RESULTS_DIR, `${date}-${machine.commit}.md`),
      report,
    );
    console.log('\ntargets:');
    for (const t of targets) console.log(`  ${t.status.padEnd(6)} ${t.name}: ${t.value}`);
    console.log(`\nreport: ${path.relative(process.cwd(), out)}`);
  } finally {
    await server.stop();
    await db.destroy();
  }
}

/** The scenario's SQL: what the request ran (captured), or what its function builds. */
async function rawQueries(
  scenario: Scenario,
  captured: Query[],
  db: Kysely<DB>,
  fixture: ReturnType<typeof readFixture>,
): Promise<Query[]> {
  if (typeof scenario.raw === 'function') {
    const viewerId = fixture.users[VIEWER_ACCOUNT[scenario.viewer]].id;
    const built = await scenario.raw({ db, fixture, viewerId });
    return built.map((q) => ({ sql: q.sql, parameters: [...q.parameters] }));
  }
  return scenario.raw === 'capture' ? captured : [];
}

function errorMessage(body: string): string {
  try {
    return (JSON.parse(body) as { error?: { message?: string } }).error?.message ?? '';
  } catch {
    return '';
  }
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? (error.stack ?? error.message) : error);
  process.exit(1);
});
