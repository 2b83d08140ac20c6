import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';

/**
 * npm run bench:dev [-- --rounds 3 --file src/modules/metrics/views.routes.ts]
 *
 * The dev loop: starts `npm run dev` (scripts/dev.ts) and, beside it in the same run, the
 * former `node --import tsx --watch src/server.ts`, one after the other, each on its own empty
 * data folder and port; appends a comment to one route file and times from that save to the
 * server answering GET /health again (after it went down). The file is put back at the end.
 * Prints the times and the load average: compare the two within one run.
 */
const { values } = parseArgs({
  options: {
    rounds: { type: 'string', default: '3' },
    file: { type: 'string', default: 'src/modules/metrics/views.routes.ts' },
  },
});
const root = path.resolve(import.meta.dirname, '..');
const file = path.join(root, values.file);
const rounds = Number(values.rounds);
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

const RUNNERS = {
  'npm run dev (esbuild + node)': ['--import', 'tsx', 'scripts/dev.ts'],
  'node --import tsx --watch': ['--import', 'tsx', '--watch', 'src/server.ts'],
};

async function answers(port: number): Promise<boolean> {
  try {
    const res = await fetch(`http://127.0.0.1:${port}/health`);
    await res.arrayBuffer();
    return true;
  } catch {
    return false;
  }
}

async function until(port: number, up: boolean, limitMs: number): Promise<boolean> {
  const end = Date.now() + limitMs;
  while (Date.now() < end) {
    if ((await answers(port)) === up) return true;
    await sleep(25);
  }
  return false;
}

async function stop(child: ChildProcess) {
  if (child.exitCode !== null) return;
  process.kill(-child.pid!, 'SIGTERM');
  await Promise.race([new Promise((resolve) => child.once('exit', resolve)), sleep(15_000)]);
  if (child.exitCode === null) process.kill(-child.pid!, 'SIGKILL');
}

async function measure(name: string, args: string[], port: number) {
  const data = mkdtempSync(path.join(tmpdir(), 'pageshare-dev-bench-'));
  const child = spawn(process.execPath, args, {
    cwd: root,
    detached: true,
    stdio: 'ignore',
    env: { ...process.env, PORT: String(port), DATA_DIR: data, NODE_ENV: 'development' },
  });
  const original = readFileSync(file, 'utf8');
  const times: number[] = [];
  try {
    const started = Date.now();
    if (!(await until(port, true, 180_000))) throw new Error(`${name}: never answered`);
    const first = Date.now() - started;
    for (let i = 0; i < rounds; i++) {
      await sleep(1_500);
      const saved = Date.now();
      writeFileSync(file, `${original}\n// bench:dev ${i}\n`);
      await until(port, false, 10_000);
      if (!(await until(port, true, 180_000))) throw new Error(`${name}: no answer after a save`);
      times.push(Date.now() - saved);
    }
    console.log(`${name}: first start ${first} ms; restarts ${times.join(', ')} ms`);
  } finally {
    await stop(child); // first: putting the file back would start one more server
    writeFileSync(file, original);
    rmSync(data, { recursive: true, force: true });
  }
  return times;
}

const load = () => readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ');
console.log(`load average before: ${load()}`);
let port = 3950;
for (const [name, args] of Object.entries(RUNNERS)) await measure(name, args, port++);
console.log(`load average after: ${load()}`);
