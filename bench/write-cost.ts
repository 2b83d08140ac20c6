import { randomBytes } from 'node:crypto';
import path from 'node:path';
import { parseArgs } from 'node:util';
import pg from 'pg';
import { mintToken } from '../src/lib/tokens.js';
import { CACHE_DIR, fmtInt, loadFlags, readFixture, vacuumWritten } from './lib/common.js';
import { runHttpLoad } from './run/http-load.js';
import { ms } from './run/report.js';
import { benchServerEnv, startServer } from './run/server.js';

/**
 * npm run bench:write -- [--rollup on|off] [--symbol TSLA] [--duration 20] [--connections 20]
 * The write cost of POST /posts (issue 11): 20 connections post to the same ticker, the
 * busiest by default, so that every post updates the same ticker counter row and, with the
 * sentiment rollup (0020), the same (symbol, hour) and (symbol, day) rows. `--rollup off`
 * disables the rollup's two triggers for the run (and enables them again afterwards); the
 * search vector's share is measured by rolling back 0022 around a run
 * (`npm run db:rollback` / `npm run db:migrate` with DATABASE_URL = the bench database).
 * Writes posts into the bench database (by bench_follower_500): run bench:run first.
 */
const { values: flags } = parseArgs({
  options: {
    rollup: { type: 'string', default: 'on' },
    symbol: { type: 'string' },
    duration: { type: 'string' },
    warmup: { type: 'string' },
    connections: { type: 'string' },
    'database-url': { type: 'string' },
    label: { type: 'string' },
  },
});

const ROLLUP_TRIGGERS = [
  'alter table post_tickers %s trigger post_tickers_sentiment',
  'alter table posts %s trigger posts_sentiment',
];

async function main(): Promise<void> {
  const { duration, warmup, connections, url } = loadFlags(flags);
  const fixture = readFixture();
  const symbol = flags.symbol ?? fixture.busiestSymbol;
  const rollup = flags.rollup !== 'off';

  const admin = new pg.Client({ connectionString: url });
  await admin.connect();
  const vector = await admin.query(
    `select 1 from information_schema.columns where table_name = 'posts' and column_name = 'search_vector'`,
  );
  const secret = randomBytes(32).toString('base64url');
  const env = await benchServerEnv(url, connections, secret);
  const token = await mintToken({
    userId: fixture.users.follower500.id,
    secret,
    expiresInSeconds: 3600,
  });
  if (!rollup) for (const q of ROLLUP_TRIGGERS) await admin.query(q.replace('%s', 'disable'));
  const server = await startServer(env, path.join(CACHE_DIR, 'server-write.log'));
  try {
    const load = {
      url: `${server.base}/posts`,
      headers: { authorization: `Bearer ${token}` },
      connections,
      method: 'POST' as const,
      body: JSON.stringify({
        content: `$${symbol} into earnings, adding here. Tight stop below the 50 day.`,
        sentiment: 'bullish',
      }),
    };
    await runHttpLoad({ ...load, seconds: warmup });
    const r = await runHttpLoad({ ...load, seconds: duration });
    const label =
      flags.label ??
      `rollup ${rollup ? 'on' : 'off'}, search vector ${vector.rowCount ? 'on' : 'off'}`;
    console.log(
      `| ${label} | $${symbol} | ${fmtInt(r.rps)} | ${ms(r.p50)} | ${ms(r.p95)} | ${ms(r.p99)} | ${r.non2xx} |`,
    );
  } finally {
    await server.stop();
    if (!rollup) for (const q of ROLLUP_TRIGGERS) await admin.query(q.replace('%s', 'enable'));
    await vacuumWritten(admin);
    await admin.end();
  }
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? (error.stack ?? error.message) : error);
  process.exit(1);
});
