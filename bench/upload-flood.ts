/**
 * The upload flood of docs/resilience.md: the API (src/server.ts, embedded database) in a
 * child process, then 20 uploads of 4 JPEGs each at once; prints the child's RSS at
 * rest and the highest seen during the flood (sampled every 100 ms), the statuses, and another user's GET /posts latency meanwhile.
 *   npx tsx bench/upload-flood.ts
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import sharp from 'sharp';
import { mintToken } from '../src/lib/tokens.js';

const SECRET = 'bench-secret-of-at-least-32-characters-long!!';
const dataDir = mkdtempSync(path.join(tmpdir(), 'pageshare-flood-'));
const child = spawn(process.execPath, ['--import', 'tsx', 'src/server.ts'], {
  env: {
    ...process.env,
    NODE_ENV: 'development',
    LOG_LEVEL: 'warn',
    PORT: '0',
    DATA_DIR: dataDir,
    PGLITE_DATA_DIR: 'memory://',
    SUPABASE_JWT_SECRET: SECRET,
    RATE_LIMIT_MAX: '0',
    SCHEDULER_ENABLED: 'false',
  },
  stdio: ['ignore', 'pipe', 'inherit'],
});
const base = await new Promise<string>((resolve) => {
  let out = '';
  child.stdout.on('data', (chunk) => {
    out += chunk;
    const match = /listening on (http:\/\/\S+)/.exec(out);
    if (match) resolve(match[1]!);
  });
});
const rss = () => {
  const status = readFileSync(`/proc/${child.pid}/status`, 'utf8');
  return Math.round(Number(/VmRSS:\s+(\d+)/.exec(status)![1]) / 1024);
};
let floodPeak = 0;

const token = await mintToken({ userId: crypto.randomUUID(), secret: SECRET });
const auth = { authorization: `Bearer ${token}` };
const onboard = await fetch(`${base}/users/me/onboarding`, {
  method: 'POST',
  headers: { ...auth, 'content-type': 'application/json' },
  body: JSON.stringify({ username: `flood${Date.now() % 100000}`, timezone: 'UTC' }),
});
if (onboard.status !== 201) throw new Error(`onboarding: ${onboard.status}`);

// 3000x2000 photographs with noise: about 2.5 MB each as JPEG, 12 megapixels to decode
const photo = await sharp({
  create: {
    width: 3000,
    height: 2000,
    channels: 3,
    background: '#3366cc',
    noise: { type: 'gaussian', mean: 128, sigma: 30 },
  },
})
  .jpeg({ quality: 80 })
  .toBuffer();
console.log(`photo: ${(photo.length / 1e6).toFixed(1)} MB; RSS at rest: ${rss()} MB`);

let reading = true;
const latencies: number[] = [];
const reader = (async () => {
  while (reading) {
    const started = performance.now();
    await fetch(`${base}/posts`).then((r) => r.arrayBuffer());
    latencies.push(performance.now() - started);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
})();

const sampler = setInterval(() => {
  floodPeak = Math.max(floodPeak, rss());
}, 100);
const started = performance.now();
const statuses = await Promise.all(
  Array.from({ length: 20 }, async () => {
    const body = new FormData();
    for (let i = 0; i < 4; i++)
      body.append('files', new Blob([photo], { type: 'image/jpeg' }), `p${i}.jpg`);
    const res = await fetch(`${base}/media/upload`, { method: 'POST', headers: auth, body });
    await res.arrayBuffer();
    return res.status;
  }),
);
const seconds = ((performance.now() - started) / 1000).toFixed(1);
clearInterval(sampler);
reading = false;
await reader;
latencies.sort((a, b) => a - b);
const p = (q: number) => Math.round(latencies[Math.floor(q * (latencies.length - 1))] ?? 0);
const counts: Record<number, number> = {};
for (const s of statuses) counts[s] = (counts[s] ?? 0) + 1;
console.log(
  `20 x 4-file uploads in ${seconds} s: statuses ${JSON.stringify(counts)}; ` +
    `highest RSS during the flood ${floodPeak} MB; GET /posts meanwhile p50 ${p(0.5)} ms, p95 ${p(0.95)} ms (${latencies.length} requests)`,
);
child.kill('SIGTERM');
await new Promise((resolve) => child.once('exit', resolve));
rmSync(dataDir, { recursive: true, force: true });
