import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import pg from 'pg';
import { mintToken } from '../src/lib/tokens.js';
import {
  CACHE_DIR,
  DEFAULT_BENCH_URL,
  positiveNumber,
  RESULTS_DIR,
  writeReport,
} from './lib/common.js';
import { benchServerEnv, sleep, startServer } from './run/server.js';
import { Latencies, percentile } from './run/stats.js';

/**
 * npm run bench:streams -- [--streams 2000] [--rate 20] [--duration 60] [--out file]
 * The live streams under load (docs/streams.md): the API on the benchmark database, a write
 * phase without streams (the write path's baseline), then `--streams` open streams (public,
 * ticker and following-feed, anonymous and signed in) while posts are written through the API
 * at `--rate` a second for `--duration` seconds. Measures the delivery latency from the POST's
 * answer to each client, delivered against expected, the API's CPU and RSS (idle streams
 * too), and the write p95 with and without the streams.
 */
const { values: flags } = parseArgs({
  options: {
    streams: { type: 'string' },
    rate: { type: 'string' },
    duration: { type: 'string' },
    baseline: { type: 'string' },
    'database-url': { type: 'string' },
    out: { type: 'string' },
  },
});

const STREAMS = Math.round(positiveNumber(flags.streams, 'BENCH_STREAMS', 2000, '--streams'));
const RATE = positiveNumber(flags.rate, 'BENCH_RATE', 20, '--rate');
const DURATION = positiveNumber(flags.duration, 'BENCH_DURATION', 60, '--duration');
const BASELINE = positiveNumber(flags.baseline, 'BENCH_BASELINE', 30, '--baseline');
const URL_ = flags['database-url'] ?? process.env.BENCH_DATABASE_URL ?? DEFAULT_BENCH_URL;
const AUTHORS = 20;
const SYMBOLS = ['BNCHA', 'BNCHB', 'BNCHC', 'BNCHD', 'BNCHE'];

interface Usage {
  cpuSeconds: number;
  rssMb: number;
}

function usage(pid: number): Usage {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const ticks = Number(fields[11]) + Number(fields[12]);
  const rss = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return { cpuSeconds: ticks / 100, rssMb: Number(rss?.[1] ?? 0) / 1024 };
}

type Kind = 'public' | 'ticker' | 'feed';
interface Client {
  kind: Kind;
  symbol?: string;
  signedIn: boolean;
  received: Map<string, number>;
  events: number;
}

const agent = new http.Agent({ keepAlive: false, maxSockets: Number.POSITIVE_INFINITY });
const ID = /^data: \{"id":"([0-9a-f-]{36})"/gm;

function openStream(base: string, path_: string, token: string | undefined, client: Client) {
  return new Promise<http.ClientRequest>((resolve, reject) => {
    const req = http.get(
      `${base}${path_}`,
      {
        agent,
        headers: {
          accept: 'text/event-stream',
          ...(token ? { authorization: `Bearer ${token}` } : {}),
        },
      },
      (res) => {
        if (res.statusCode !== 200) {
          reject(new Error(`${path_}: ${res.statusCode}`));
          res.resume();
          return;
        }
        res.setEncoding('utf8');
        let tail = '';
        res.on('data', (chunk: string) => {
          const now = performance.now();
          const text = tail + chunk;
          const cut = text.lastIndexOf('\n\n');
          tail = cut >= 0 ? text.slice(cut + 2) : text;
          if (cut < 0) return;
          for (const match of text.slice(0, cut).matchAll(ID)) {
            client.events += 1;
            if (!client.received.has(match[1]!)) client.received.set(match[1]!, now);
          }
        });
        resolve(req);
      },
    );
    req.on('error', reject);
  });
}

async function writePosts(
  base: string,
  authors: string[],
  seconds: number,
  answered: Map<string, { at: number; symbol: string; author: number }>,
): Promise<{ latencies: Latencies; failed: number }> {
  const latencies = new Latencies();
  let failed = 0;
  const total = Math.round(seconds * RATE);
  const started = performance.now();
  const inFlight: Array<Promise<void>> = [];
  for (let i = 0; i < total; i++) {
    const due = started + (i * 1000) / RATE;
    const wait = due - performance.now();
    if (wait > 0) await sleep(wait);
    const author = i % authors.length;
    const symbol = SYMBOLS[i % SYMBOLS.length]!;
    const sent = performance.now();
    inFlight.push(
      fetch(`${base}/posts`, {
        method: 'POST',
        headers: { authorization: `Bearer ${authors[author]}`, 'content-type': 'application/json' },
        body: JSON.stringify({ content: `bench stream post ${i} on $${symbol}` }),
      }).then(
        async (res) => {
          const at = performance.now();
          if (res.status !== 201) {
            failed += 1;
            await res.text();
            return;
          }
          const post = (await res.json()) as { id: string };
          latencies.record(at - sent);
          answered.set(post.id, { at, symbol, author });
        },
        () => {
          failed += 1;
        },
      ),
    );
  }
  await Promise.all(inFlight);
  return { latencies, failed };
}

async function main() {
  const secret = randomBytes(32).toString('base64url');
  const env: Record<string, string> = {
    ...(await benchServerEnv(URL_, 10, secret)),
    STREAM_MAX: String(STREAMS + 100),
  };
  const db = new pg.Pool({ connectionString: URL_, max: 2 });
  // authors and viewers with no mute, block or muted word anywhere: every signed-in stream
  // then expects what an anonymous one does (the filters themselves are tested in tests/)
  const clean = await db.query<{ id: string }>(`
    select u.id from users u
    where u.deleted_at is null
      and not exists (select 1 from content_filters cf where cf.user_id = u.id or cf.target_id = u.id)
      and not exists (select 1 from muted_words mw where mw.user_id = u.id)
    order by u.id limit ${AUTHORS + STREAMS}`);
  const ids = clean.rows.map((r) => r.id);
  const authorIds = ids.slice(0, AUTHORS);
  const viewerIds = ids.slice(AUTHORS);
  if (viewerIds.length < STREAMS * 0.6) throw new Error(`only ${viewerIds.length} clean viewers`);
  // every feed viewer follows every author (so a feed stream expects every post)
  const feedCount = Math.round(STREAMS * 0.2);
  const feedViewers = viewerIds.slice(0, feedCount);
  await db.query(
    `insert into follows (follower_id, followee_id)
     select v, a from unnest($1::uuid[]) v, unnest($2::uuid[]) a on conflict do nothing`,
    [feedViewers, authorIds],
  );
  const token = (userId: string) => mintToken({ userId, secret, expiresInSeconds: 3 * 3600 });
  const authorTokens = await Promise.all(authorIds.map(token));

  const loadBefore = os.loadavg();
  const server = await startServer(env, path.join(CACHE_DIR, 'streams-server.log'));
  console.log(`API on ${server.base} (pid ${server.pid})`);
  const report: string[] = [];
  try {
    await writePosts(server.base, authorTokens, 5, new Map()); // warm-up
    const before = usage(server.pid);
    console.log(`baseline: ${RATE} posts/s for ${BASELINE} s without streams`);
    const baseline = await writePosts(server.base, authorTokens, BASELINE, new Map());
    const afterBaseline = usage(server.pid);

    // the streams: 40 % public, 40 % ticker (five symbols), 20 % following feed; half of the
    // public and ticker ones signed in
    const clients: Client[] = [];
    const opening: Array<Promise<http.ClientRequest>> = [];
    let viewer = feedCount;
    for (let i = 0; i < STREAMS; i++) {
      const kind: Kind = i < feedCount ? 'feed' : i % 2 === 0 ? 'public' : 'ticker';
      const signedIn = kind === 'feed' || i % 4 < 2;
      const client: Client = { kind, signedIn, received: new Map(), events: 0 };
      if (kind === 'ticker') client.symbol = SYMBOLS[i % SYMBOLS.length]!;
      clients.push(client);
      const userId =
        kind === 'feed'
          ? feedViewers[i]!
          : signedIn
            ? viewerIds[viewer++ % viewerIds.length]!
            : undefined;
      const path_ =
        kind === 'feed'
          ? '/streams/feed'
          : kind === 'public'
            ? '/streams/public'
            : `/streams/tickers/${client.symbol}`;
      opening.push(
        (async () =>
          openStream(server.base, path_, userId ? await token(userId) : undefined, client))(),
      );
      if (i % 100 === 99) await Promise.all(opening.slice(-100));
    }
    const requests = await Promise.all(opening);
    await sleep(3000);
    const idle = usage(server.pid);
    console.log(`${STREAMS} streams open; RSS ${idle.rssMb.toFixed(0)} MB`);

    console.log(`load: ${RATE} posts/s for ${DURATION} s with ${STREAMS} streams`);
    const answered = new Map<string, { at: number; symbol: string; author: number }>();
    const startLoad = usage(server.pid);
    const rssSamples: number[] = [];
    const sampler = setInterval(() => rssSamples.push(usage(server.pid).rssMb), 1000);
    const load = await writePosts(server.base, authorTokens, DURATION, answered);
    await sleep(5000); // stragglers
    clearInterval(sampler);
    const endLoad = usage(server.pid);
    const loadAfter = os.loadavg();

    // delivered against expected, and the latency of each delivery
    let expected = 0;
    let delivered = 0;
    let duplicates = 0;
    const latency: number[] = [];
    const byKind: Record<string, { expected: number; delivered: number }> = {};
    for (const client of clients) {
      const key = `${client.kind}${client.signedIn ? ' (signed in)' : ''}`;
      byKind[key] ??= { expected: 0, delivered: 0 };
      for (const [id, post] of answered) {
        if (client.kind === 'ticker' && post.symbol !== client.symbol) continue;
        expected += 1;
        byKind[key].expected += 1;
        const at = client.received.get(id);
        if (at === undefined) continue;
        delivered += 1;
        byKind[key].delivered += 1;
        latency.push(Math.max(0, at - post.at));
      }
      duplicates += client.events - client.received.size;
    }
    for (const req of requests) req.destroy();
    const sorted = Float64Array.from(latency).sort();
    const base = baseline.latencies.summarize(BASELINE, baseline.failed, 0);
    const withStreams = load.latencies.summarize(DURATION, load.failed, 0);
    const cpu = (a: Usage, b: Usage, s: number) => ((b.cpuSeconds - a.cpuSeconds) / s) * 100;
    const lines = [
      `# Live streams under load (${new Date().toISOString().slice(0, 10)})`,
      '',
      `\`npm run bench:streams\` on ${os.cpus().length} cores (${os.cpus()[0]?.model ?? '?'}), ` +
        `load average ${loadBefore.map((l) => l.toFixed(2)).join(' / ')} before and ` +
        `${loadAfter.map((l) => l.toFixed(2)).join(' / ')} after (1/5/15 min; the machine is shared ` +
        'with other sessions). The API is one production process on PostgreSQL ' +
        `(${new URL(URL_).pathname.slice(1)}); the clients and the writer run in one other process.`,
      '',
      `- streams: ${STREAMS} (${feedCount} following feed, ${clients.filter((c) => c.kind === 'public').length} public, ` +
        `${clients.filter((c) => c.kind === 'ticker').length} ticker on ${SYMBOLS.length} symbols; ` +
        `${clients.filter((c) => c.signedIn).length} signed in)`,
      `- writes: ${RATE} posts/s through POST /posts for ${DURATION} s (${answered.size} answered 201, ${load.failed} failed)`,
      '',
      '| measure | value |',
      '| --- | --- |',
      `| delivered / expected | ${delivered.toLocaleString('en')} / ${expected.toLocaleString('en')}${delivered === expected ? ' (all)' : ` (${expected - delivered} missing)`} |`,
      `| duplicates | ${duplicates} |`,
      `| delivery latency p50 / p95 / p99 / max (POST answer → client) | ${percentile(sorted, 50).toFixed(0)} / ${percentile(sorted, 95).toFixed(0)} / ${percentile(sorted, 99).toFixed(0)} / ${(sorted.at(-1) ?? 0).toFixed(0)} ms |`,
      `| write p50 / p95 / p99 without streams | ${base.p50.toFixed(1)} / ${base.p95.toFixed(1)} / ${base.p99.toFixed(1)} ms (${base.requests} posts) |`,
      `| write p50 / p95 / p99 with ${STREAMS} streams | ${withStreams.p50.toFixed(1)} / ${withStreams.p95.toFixed(1)} / ${withStreams.p99.toFixed(1)} ms (${withStreams.requests} posts) |`,
      `| API CPU, writes without streams | ${cpu(before, afterBaseline, BASELINE).toFixed(0)} % of a core |`,
      `| API CPU, writes with streams | ${cpu(startLoad, endLoad, DURATION + 5).toFixed(0)} % of a core |`,
      `| API RSS: before streams / ${STREAMS} idle streams / peak under load | ${afterBaseline.rssMb.toFixed(0)} / ${idle.rssMb.toFixed(0)} / ${Math.max(...rssSamples, endLoad.rssMb).toFixed(0)} MB |`,
      `| memory per idle stream | ${(((idle.rssMb - afterBaseline.rssMb) * 1024) / STREAMS).toFixed(1)} KB |`,
      '',
      '| streams | delivered / expected |',
      '| --- | --- |',
      ...Object.entries(byKind).map(
        ([k, v]) =>
          `| ${k} | ${v.delivered.toLocaleString('en')} / ${v.expected.toLocaleString('en')} |`,
      ),
    ];
    report.push(...lines);
    console.log(lines.join('\n'));
  } finally {
    await server.stop();
    await db
      .query(
        `delete from follows where follower_id = any($1::uuid[]) and followee_id = any($2::uuid[])`,
        [feedViewers, authorIds],
      )
      .catch(() => {});
    await db.end();
  }
  const out = writeReport(
    flags.out ?? path.join(RESULTS_DIR, `${new Date().toISOString().slice(0, 10)}-streams.raw.md`),
    `${report.join('\n')}\n`,
  );
  console.log(`wrote ${out}`);
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
