import { randomBytes } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { loadavg } from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { Kysely, PostgresDialect } from 'kysely';
import pg from 'pg';
import { foldCounterDeltas } from '../src/core/counters.js';
import type { DB } from '../src/db/index.js';
import { mintToken } from '../src/lib/tokens.js';
import { processOutbox } from '../src/modules/feed/timeline.service.js';
import {
  CACHE_DIR,
  databaseName,
  fmtInt,
  loadFlags,
  RESULTS_DIR,
  readFixture,
  vacuumWritten,
  writeReport,
} from './lib/common.js';
import { pgTypes } from './run/capture.js';
import { runHttpLoad } from './run/http-load.js';
import { ms, pct } from './run/report.js';
import { type WriteFixture, type WriteScenario, writeScenarios } from './run/scenarios.js';
import { benchServerEnv, sleep, startServer } from './run/server.js';
import { runSqlLoad } from './run/sql-load.js';
import type { LoadResult } from './run/stats.js';

/**
 * npm run bench:writes -- [--duration 20] [--warmup 5] [--connections 20] [--only ids] [--out file]
 * The write paths of issue 16 (bench/run/scenarios.ts writeScenarios), each through the API
 * and beside it as raw SQL; then the fan-out's own cost (per follower row, for the authors of
 * 500 and 50,000 followers) and how long a new post takes to reach a follower's timeline.
 * Writes to the bench database and removes what it wrote (likes, follows; its posts are
 * soft-deleted). Run after bench:seed.
 */
const { values: flags } = parseArgs({
  options: {
    duration: { type: 'string' },
    warmup: { type: 'string' },
    connections: { type: 'string' },
    only: { type: 'string' },
    'database-url': { type: 'string' },
    out: { type: 'string' },
  },
});

interface Row {
  scenario: WriteScenario;
  api: LoadResult;
  raw: LoadResult;
}

async function main(): Promise<void> {
  const { duration, warmup, connections, url } = loadFlags(flags);
  const fixture = readFixture();
  const pool = new pg.Pool({ connectionString: url, max: connections + 2, types: pgTypes });
  const db = new Kysely<DB>({ dialect: new PostgresDialect({ pool }) });
  const q = async <R extends pg.QueryResultRow>(text: string, values: unknown[] = []) =>
    (await pool.query<R>(text, values)).rows;
  const secret = randomBytes(32).toString('base64url');
  const token = (userId: string) => mintToken({ userId, secret, expiresInSeconds: 6 * 3600 });
  const started = new Date();
  const loadAtStart = loadavg()
    .map((l) => l.toFixed(1))
    .join(' ');

  // who writes: onboarded, live, unsuspended users; the authors by their follower counts
  const closest = async (n: number) =>
    (
      await q<{ id: string; followers_count: number }>(
        `select id, followers_count from users where deleted_at is null and suspended_at is null
         order by abs(followers_count - $1), id limit 1`,
        [n],
      )
    )[0]!;
  const a500 = await closest(500);
  const a50k = await closest(50_000);
  const authors500 = (
    await q<{ id: string }>(
      `select id from users where deleted_at is null and suspended_at is null
         and followers_count between 400 and 600 and id <> $1
       order by id limit $2`,
      [a500.id, connections],
    )
  ).map((r) => r.id);
  const writerIds = (
    await q<{ id: string }>(
      `select id from users where deleted_at is null and suspended_at is null
         and onboarded_at is not null and id not in ($1, $2)
         and not (id = any($3))
       order by id limit 2000`,
      [a500.id, a50k.id, authors500],
    )
  ).map((r) => r.id);
  const followees = (
    await q<{ id: string }>(
      `select id from users where deleted_at is null and suspended_at is null
       order by id desc limit 997`,
    )
  ).map((r) => r.id);
  // one author a target: the like notifications of the spread case go to as many people
  const targets = (
    await q<{ id: string }>(
      `insert into posts (author_id, content)
       select u.id, 'bench write target ' || u.id from (
         select id from users where deleted_at is null and suspended_at is null
           and not (id = any($1)) order by id desc offset 1000 limit $2
       ) u returning id`,
      [writerIds, connections + 1],
    )
  ).map((r) => r.id);
  console.log(`minting ${writerIds.length} tokens`);
  const fx: WriteFixture = {
    writers: await Promise.all(writerIds.map(async (id) => ({ id, token: await token(id) }))),
    author500: { id: a500.id, token: await token(a500.id), followers: a500.followers_count },
    author50k: { id: a50k.id, token: await token(a50k.id), followers: a50k.followers_count },
    authors500: await Promise.all(authors500.map(async (id) => ({ id, token: await token(id) }))),
    targets,
    followees,
  };

  const env = await benchServerEnv(url, connections, secret);
  mkdirSync(CACHE_DIR, { recursive: true });
  const server = await startServer(env, path.join(CACHE_DIR, 'server-writes.log'));
  // every writer's first request writes its activity (docs/metrics.md): done before measuring
  for (let k = 0; k < fx.writers.length; k += connections) {
    await Promise.all(
      fx.writers
        .slice(k, k + connections)
        .map((w) =>
          fetch(`${server.base}/users/me`, { headers: { authorization: `Bearer ${w.token}` } }),
        ),
    );
  }
  const only = flags.only?.split(',').map((s) => s.trim());
  const rows: Row[] = [];
  const notes: string[] = [];
  try {
    for (const scenario of writeScenarios(fx, connections)) {
      if (only && !only.includes(scenario.id)) continue;
      await resetTargets(pool, targets);
      let i = 0;
      const next = () => {
        const r = scenario.request(i++);
        return {
          path: r.path,
          ...(r.body !== undefined ? { body: r.body } : {}),
          headers: { authorization: `Bearer ${r.token}` },
        };
      };
      const load = {
        url: server.base,
        headers: {},
        connections,
        method: 'POST' as const,
        next,
      };
      // the background step's fold runs beside both runs, as a server's every 500 ms would
      // (the bench server's scheduler is off; docs/decisions.md "Counters under contention")
      const folding = foldEvery(db, 500);
      await runHttpLoad({ ...load, seconds: warmup });
      const api = await runHttpLoad({ ...load, seconds: duration });
      await resetTargets(pool, targets);
      i = 0;
      const sql = () => scenario.request(i++).sql;
      await runSqlLoad(pool, sql, connections, warmup, false);
      const raw = await runSqlLoad(pool, sql, connections, duration, false);
      const folded = await folding.stop();
      rows.push({ scenario, api, raw });
      console.log(
        `${scenario.id}: load average ${loadavg()[0]!.toFixed(1)}; API ${fmtInt(api.rps)} req/s p50 ${ms(api.p50)} p95 ${ms(api.p95)} ms ` +
          `(non-2xx ${api.non2xx}); raw SQL ${fmtInt(raw.rps)}/s p95 ${ms(raw.p95)} ms`,
      );
      notes.push(`${scenario.id}: ${fmtInt(folded)} counter deltas folded during the two runs`);
      if (scenario.id === 'write-like-viral') {
        const viralCount = async () =>
          (
            await q<{ counter: number; shown: number; live: number }>(
              `select p.reactions_count as counter,
                 p.reactions_count + coalesce((select sum(d.reactions) from post_counter_deltas d
                   where d.post_id = p.id), 0)::int as shown,
                 (select count(*)::int from reactions r where r.post_id = p.id) as live
               from posts p where p.id = $1`,
              [targets[0]],
            )
          )[0]!;
        const before = await viralCount();
        await foldCounterDeltas(db);
        const after = await viralCount();
        const exact = (c: { counter: number; live: number }, n: number) =>
          `${fmtInt(n)} (${n === c.live ? 'exact' : 'WRONG'})`;
        notes.push(
          `viral post after the raw run: live count ${fmtInt(before.live)}; ` +
            `shown (counter + pending deltas) ${exact(before, before.shown)}; ` +
            `after a last fold, reactions_count ${exact(after, after.counter)}`,
        );
      }
      await sleep(1000);
    }
    notes.push(...(await fanOutCost(pool, db, fx)));
    notes.push(await delivery(server.base, pool, db, fx));
  } finally {
    await server.stop();
    await cleanUp(pool, targets, writerIds, started);
    await db.destroy();
  }

  const loadAtEnd = loadavg()
    .map((l) => l.toFixed(1))
    .join(' ');
  const spread = rows.find((r) => r.scenario.id === 'write-like-spread');
  const viral = rows.find((r) => r.scenario.id === 'write-like-viral');
  const lines = [
    `# Write paths (${started.toISOString().slice(0, 16)}Z)`,
    '',
    `\`npm run bench:writes\`: ${connections} connections, ${duration} s measured after ${warmup} s, ` +
      `database ${databaseName(url)} (scale ${fixture.scale}); load average at start ${loadAtStart}, at end ${loadAtEnd}.`,
    '',
    '| scenario | API req/s | API p50 | API p95 | raw SQL req/s | raw SQL p95 | API ÷ raw |',
    '| --- | ---: | ---: | ---: | ---: | ---: | ---: |',
    ...rows.map(
      (r) =>
        `| ${r.scenario.title} | ${fmtInt(r.api.rps)} | ${ms(r.api.p50)} ms | ${ms(r.api.p95)} ms | ` +
        `${fmtInt(r.raw.rps)} | ${ms(r.raw.p95)} ms | ${pct(r.api.rps / r.raw.rps)} |`,
    ),
    '',
    ...(spread && viral
      ? [
          `viral ÷ spread likes: API ${pct(viral.api.rps / spread.api.rps)}, raw SQL ${pct(viral.raw.rps / spread.raw.rps)}`,
          '',
        ]
      : []),
    ...notes.map((n) => `- ${n}`),
    '',
  ];
  const out = writeReport(
    flags.out ?? path.join(RESULTS_DIR, `${started.toISOString().slice(0, 10)}-writes.md`),
    lines.join('\n'),
  );
  console.log(`\n${lines.join('\n')}\nreport: ${path.relative(process.cwd(), out)}`);
}

/** The targets without likes, so that every like of a run is a new one. */
async function resetTargets(pool: pg.Pool, targets: string[]): Promise<void> {
  await pool.query('delete from reactions where post_id = any($1)', [targets]);
}

/**
 * The fan-out's own cost, measured on the outbox the post scenarios left: 100 posts of the
 * author of ~500 followers, then 3 of the author of ~50,000 fanned out anyway (a threshold above
 * them), as time per follower row. The rows are removed afterwards.
 */
async function fanOutCost(pool: pg.Pool, db: Kysely<DB>, fx: WriteFixture): Promise<string[]> {
  const notes: string[] = [];
  const pending = async (author: string, n: number) =>
    (
      await pool.query<{ post_id: string }>(
        `select o.post_id from timeline_outbox o join posts p on p.id = o.post_id
         where p.author_id = $1 order by o.id desc limit $2`,
        [author, n],
      )
    ).rows.map((r) => r.post_id);
  const runs = [
    { author: fx.author500, ids: await pending(fx.author500.id, 100) },
    { author: fx.author50k, ids: await pending(fx.author50k.id, 3) },
  ];
  // the outbox holds only the posts of the run being timed
  await pool.query('delete from timeline_outbox');
  for (const { author, ids } of runs) {
    if (ids.length === 0) continue;
    await pool.query('insert into timeline_outbox (post_id) select unnest($1::uuid[])', [ids]);
    const pulled = await pool.query('delete from timeline_pull_authors where user_id = $1', [
      author.id,
    ]);
    const begin = performance.now();
    await processOutbox(db, { entries: 800, pullFollowers: 1_000_000_000, batch: 50 });
    const took = performance.now() - begin;
    const { rowCount } = await pool.query('delete from home_timeline where post_id = any($1)', [
      ids,
    ]);
    if (pulled.rowCount) {
      await pool.query('insert into timeline_pull_authors (user_id) values ($1)', [author.id]);
    }
    const perPost = took / ids.length;
    notes.push(
      `fan-out of ${ids.length} posts by an author with ${fmtInt(author.followers)} followers: ` +
        `${ms(perPost)} ms a post, ${((took * 1000) / Math.max(1, rowCount ?? 0)).toFixed(1)} µs a timeline row ` +
        `(${fmtInt(rowCount ?? 0)} rows written; trims included; load average ${loadavg()[0]!.toFixed(1)})`,
    );
  }
  return notes;
}

/**
 * How long a new post takes to reach a follower's timeline with the in-process loop's
 * interval (500 ms): five posts by the ~500-follower author, each read back by a follower
 * until it shows.
 */
async function delivery(
  base: string,
  pool: pg.Pool,
  db: Kysely<DB>,
  fx: WriteFixture,
): Promise<string> {
  const [f] = (
    await pool.query<{ follower_id: string }>(
      `select f.follower_id from follows f join home_timeline_state s on s.user_id = f.follower_id
       where f.followee_id = $1 limit 1`,
      [fx.author500.id],
    )
  ).rows;
  if (!f) return 'delivery: no follower with a built timeline';
  await pool.query('delete from timeline_outbox');
  let stop = false;
  const loop = (async () => {
    while (!stop) {
      await processOutbox(db, { entries: 800, pullFollowers: 10_000 });
      await sleep(500);
    }
  })();
  const secret = fx.author500.token;
  const times: number[] = [];
  try {
    for (let k = 0; k < 5; k++) {
      const begin = performance.now();
      const res = await fetch(`${base}/posts`, {
        method: 'POST',
        headers: { authorization: `Bearer ${secret}`, 'content-type': 'application/json' },
        body: JSON.stringify({ content: `bench write delivery ${k}` }),
      });
      const { id } = (await res.json()) as { id: string };
      for (;;) {
        const { rows } = await pool.query(
          'select 1 from home_timeline where user_id = $1 and entry_id = $2',
          [f.follower_id, id],
        );
        if (rows.length) break;
        if (performance.now() - begin > 10_000) break;
        await sleep(10);
      }
      times.push(performance.now() - begin);
    }
  } finally {
    stop = true;
    await loop;
  }
  return `delivery to a follower's timeline (loop every 500 ms): ${times.map((t) => `${ms(t)} ms`).join(', ')}`;
}

/** Removes what the run wrote: likes, follows, timeline rows; its posts are soft-deleted. */
/** foldCounterDeltas every `ms` until stop(), which answers the delta rows folded. */
function foldEvery(db: Kysely<DB>, ms: number) {
  let folded = 0;
  let running: Promise<void> = Promise.resolve();
  const timer = setInterval(() => {
    running = running.then(async () => {
      folded += await foldCounterDeltas(db);
    });
  }, ms);
  return {
    stop: async () => {
      clearInterval(timer);
      await running;
      return folded;
    },
  };
}

async function cleanUp(pool: pg.Pool, targets: string[], writers: string[], since: Date) {
  await pool.query('delete from reactions where post_id = any($1)', [targets]);
  await pool.query('delete from follows where follower_id = any($1) and created_at >= $2', [
    writers,
    since,
  ]);
  await pool.query(
    `update posts set deleted_at = now()
     where deleted_at is null and created_at >= $1 and content like 'bench write %'`,
    [since],
  );
  await pool.query('delete from timeline_outbox');
  await vacuumWritten(pool);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
