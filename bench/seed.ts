import { cpus, loadavg } from 'node:os';
import { parseArgs } from 'node:util';
import pg from 'pg';
import { openDatabase } from '../src/db/index.js';
import { migrateToLatest } from '../src/db/migrator.js';
import {
  DEFAULT_BENCH_URL,
  databaseName,
  type Fixture,
  fmtInt,
  fmtSeconds,
  redactUrl,
  withDatabase,
  writeFixture,
} from './lib/common.js';
import { type Check, runChecks } from './seed/checks.js';
import {
  commentInsertSteps,
  commentSteps,
  reactionSteps,
  repostAndBookmarkSteps,
} from './seed/engagement.js';
import { followSteps, interestSteps, tickerSteps, userMapSteps, userSteps } from './seed/people.js';
import {
  mediaSteps,
  pollInsertSteps,
  pollSteps,
  postMapSteps,
  postSteps,
  postTickerSteps,
} from './seed/posts.js';
import { fixtureFacts, refreshViews } from './seed/results.js';
import {
  attachSteps,
  dropSteps,
  enableTriggerSteps,
  indexSteps,
  saveSchema,
  vacuumSteps,
  validateSteps,
} from './seed/schema.js';
import { computeSizes } from './seed/sizes.js';
import { HELPERS, lit, runLanes, runQueue, type Step } from './seed/sql.js';
import { tickerList } from './seed/symbols.js';
import { timelineSteps } from './seed/timelines.js';

/**
 * npm run bench:seed -- [--scale 0.1] [--users N ...] [--database-url URL] [--force]
 * Drops and recreates the benchmark database, migrates it, and fills it with set-based SQL
 * (see bench/README.md). Prints each step and its time; writes bench/.cache/fixture.json.
 */
const USAGE = `usage: npm run bench:seed -- [options]
  --scale <x>          multiply every size (default 1; 0.1 for a quick run)   BENCH_SCALE
  --users, --posts, --tickers, --mentions, --follows, --reactions, --comments, --reposts,
  --bookmarks <n>      one size, whatever the scale                          BENCH_USERS, ...
  --database-url <url> target (default ${DEFAULT_BENCH_URL})   BENCH_DATABASE_URL
  --force              allow a database whose name does not contain "bench"
  --jobs <1|2>         connections loading side by side (default 2)`;

const sizeFlags = [
  'scale',
  'users',
  'posts',
  'tickers',
  'mentions',
  'follows',
  'reactions',
  'comments',
  'reposts',
  'bookmarks',
] as const;
const { values: flags } = parseArgs({
  options: {
    ...Object.fromEntries(sizeFlags.map((f) => [f, { type: 'string' as const }])),
    'database-url': { type: 'string' },
    jobs: { type: 'string', default: '2' },
    force: { type: 'boolean', default: false },
    help: { type: 'boolean', short: 'h', default: false },
  },
});

async function main(): Promise<void> {
  if (flags.help) {
    console.log(USAGE);
    return;
  }
  const sizes = computeSizes(flags as unknown as Record<string, string | undefined>);
  const url =
    (flags['database-url'] as string | undefined) ??
    process.env.BENCH_DATABASE_URL ??
    DEFAULT_BENCH_URL;
  const name = databaseName(url);
  if (!name.includes('bench') && !flags.force) {
    throw new Error(
      `refusing to drop "${name}": its name has no "bench" in it (--force to do it anyway)`,
    );
  }
  const jobs = flags.jobs === '1' ? 1 : 2;
  const anchor = new Date(Math.floor(Date.now() / 60_000) * 60_000);
  const t0 = `${lit(anchor.toISOString())}::timestamptz`;
  const log = (line: string) => console.log(line);
  const phases: Array<{ name: string; ms: number }> = [];
  const started = performance.now();
  const loadAtStart = loadAverage();
  const phase = async (title: string, run: () => Promise<unknown>) => {
    log(`${title}`);
    const begin = performance.now();
    await run();
    phases.push({ name: title, ms: performance.now() - begin });
  };

  log(
    `seeding ${redactUrl(url)} at scale ${sizes.scale}: ${fmtInt(sizes.users)} users, ` +
      `${fmtInt(sizes.posts)} posts, ${fmtInt(sizes.follows)} follows, ${fmtInt(sizes.reactions)} reactions`,
  );

  await phase('recreate the database and migrate', async () => {
    const admin = new pg.Client({ connectionString: withDatabase(url, 'postgres') });
    await admin.connect();
    try {
      await admin.query(`drop database if exists "${name}" with (force)`);
      await admin.query(`create database "${name}"`);
    } finally {
      await admin.end();
    }
    const database = await openDatabase({ databaseUrl: url, pgliteDataDir: '' });
    try {
      await migrateToLatest(database.db);
    } finally {
      await database.close();
    }
  });

  const clients = await Promise.all(
    Array.from({ length: jobs }, async () => {
      const client = new pg.Client({ connectionString: url, application_name: 'bench-seed' });
      await client.connect();
      await client.query(`set synchronous_commit = off; set work_mem = '256MB';
        set maintenance_work_mem = '1GB'; set jit = off;`);
      return client;
    }),
  );
  const [a] = clients as [pg.Client];
  const lanes = (steps: Step[][]) => runLanes(clients, jobs === 1 ? [steps.flat()] : steps, log);

  try {
    const saved = await saveSchema(a);
    await phase('prepare: drop keys, indexes, foreign keys; disable triggers; maps', () =>
      runLanes(
        [a],
        [
          [
            { name: 'helper functions', sql: HELPERS },
            ...dropSteps(saved),
            {
              // a migration may ship rows (0010: names of well-known tickers); the data set
              // brings its own, and its loads expect empty tables
              name: 'empty the tables',
              sql: `do $$ declare t text; begin
                for t in select tablename from pg_tables
                  where schemaname = 'public' and tablename not like 'kysely_%' loop
                  execute format('truncate table %I', t);
                end loop; end $$;`,
            },
            ...userMapSteps(sizes, tickerList(sizes.tickers)),
          ],
        ],
        log,
      ),
    );
    await phase('load: maps, follows', () =>
      lanes([
        [...postMapSteps(sizes, t0)],
        [...followSteps(sizes, t0), ...interestSteps(sizes, t0)],
      ]),
    );
    await phase('load: reactions, comments, reposts, bookmarks, polls, media', () =>
      lanes([
        [
          ...reactionSteps(sizes, t0, 0),
          ...postTickerSteps(),
          ...pollSteps(sizes, t0),
          ...mediaSteps(sizes),
        ],
        [
          ...reactionSteps(sizes, t0, 1),
          ...commentSteps(sizes, t0),
          ...repostAndBookmarkSteps(sizes, t0),
        ],
      ]),
    );
    // counters are computed from the rows loaded so far, in the insert of the counting table
    await phase('load with counters: posts, comments, polls', () =>
      lanes([postSteps(), [...commentInsertSteps(), ...pollInsertSteps()]]),
    );
    await phase('load with counters: users, tickers', () =>
      lanes([userSteps(sizes, t0), tickerSteps(t0)]),
    );
    // after the users' counters (the pull authors are the most followed), before the indexes
    await phase('load: home timelines', () => lanes([timelineSteps(t0)]));
    await phase('indexes and constraints', async () => {
      await runQueue(clients, await indexSteps(a, saved), log);
      await runLanes([a], [attachSteps(saved)], log);
      await runQueue(clients, await validateSteps(a, saved), log);
    });
    await phase('enable triggers, vacuum and analyze, refresh views', async () => {
      await runLanes(
        [a],
        [
          [
            ...enableTriggerSteps(saved),
            // loaded with triggers off: the rollup of GET /tickers/{symbol}/sentiment (0020)
            { name: 'ticker sentiment rollup', sql: 'select ticker_sentiment_rebuild()' },
            { name: 'drop helpers', sql: 'drop schema bench_seed cascade' },
          ],
        ],
        log,
      );
      await runQueue(clients, await vacuumSteps(a, saved), log);
      await refreshViews(a, log);
    });
    const seedMs = performance.now() - started;

    let checks: Check[] = [];
    let facts: Awaited<ReturnType<typeof fixtureFacts>> | undefined;
    await phase('checks: counters against live counts; the fixture', async () => {
      checks = await runChecks(a);
      facts = await fixtureFacts(a);
    });
    const fixture: Fixture = {
      seededAt: new Date().toISOString(),
      anchor: anchor.toISOString(),
      database: redactUrl(url),
      scale: sizes.scale,
      seedSeconds: Math.round(seedMs / 100) / 10,
      ...facts!,
    };
    writeFixture(fixture);

    log('\nsteps (wall time):');
    for (const p of phases) log(`  ${p.name.padEnd(66, '.')} ${fmtSeconds(p.ms).padStart(8)}`);
    log(
      `  ${'database ready (before the checks)'.padEnd(66, '.')} ${fmtSeconds(seedMs).padStart(8)}`,
    );
    log(`  ${'total'.padEnd(66, '.')} ${fmtSeconds(performance.now() - started).padStart(8)}`);
    log(`  load average at start ${loadAtStart}, at end ${loadAverage()} (${cpus().length} cores)`);
    log('\nrows:');
    for (const [table, rows] of Object.entries(fixture.rows))
      log(`  ${table.padEnd(20)} ${fmtInt(rows).padStart(12)}`);
    log(
      `\nbusiest ticker ${fixture.busiestSymbol}; viral post ${fixture.viralPost.id} ` +
        `(${fmtInt(fixture.viralPost.reactions)} reactions); fixed accounts:`,
    );
    for (const [role, user] of Object.entries(fixture.users))
      log(`  ${role.padEnd(14)} ${user.username} ${user.id}`);
    log('\nchecks:');
    for (const c of checks)
      log(
        `  ${c.wrong === 0 ? 'ok   ' : 'WRONG'} ${c.name}: ${fmtInt(c.checked)} checked, ${c.wrong} wrong`,
      );
    if (checks.some((c) => c.wrong > 0))
      throw new Error('the counters do not match the live counts');
  } finally {
    await Promise.all(clients.map((c) => c.end()));
  }
}

function loadAverage(): string {
  return loadavg()
    .map((l) => l.toFixed(1))
    .join(' ');
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
