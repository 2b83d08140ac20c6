import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { CACHE_DIR, ROOT_DIR } from '../lib/common.js';

/**
 * The API as it runs in production, in a child process: `node --import tsx src/server.ts`.
 * BENCH_API_NODE_ARGS adds node flags, e.g. `--cpu-prof --cpu-prof-dir=bench/.cache/prof` to
 * profile the API under a scenario (the profile is written when the run stops it).
 */
export interface RunningServer {
  base: string;
  pid: number;
  stop(): Promise<void>;
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = net.createServer();
    probe.unref();
    probe.on('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const address = probe.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      probe.close(() => resolve(port));
    });
  });
}

export async function startServer(
  env: Record<string, string>,
  logFile: string,
): Promise<RunningServer> {
  const nodeArgs = (process.env.BENCH_API_NODE_ARGS ?? '').split(' ').filter(Boolean);
  const child = spawn(process.execPath, [...nodeArgs, '--import', 'tsx', 'src/server.ts'], {
    cwd: ROOT_DIR,
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const log = createWriteStream(logFile);
  child.stdout?.pipe(log);
  child.stderr?.pipe(log);
  let output = '';
  child.stderr?.on('data', (chunk: Buffer) => {
    output = (output + chunk.toString()).slice(-2000);
  });
  const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
  const base = `http://${env.HOST}:${env.PORT}`;
  const stop = () => stopChild(child, exited);

  const deadline = Date.now() + 60_000;
  for (;;) {
    const code = await Promise.race([exited, sleep(250).then(() => undefined)]);
    if (code !== undefined) {
      throw new Error(`the server exited (code ${code}) before answering /health:\n${output}`);
    }
    try {
      const res = await fetch(`${base}/health`);
      if (res.ok) return { base, pid: child.pid!, stop };
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      await stop();
      throw new Error(`the server did not answer /health within 60 s:\n${output}`);
    }
  }
}

async function stopChild(child: ChildProcess, exited: Promise<number | null>): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  child.kill('SIGTERM');
  const done = await Promise.race([exited.then(() => true), sleep(12_000).then(() => false)]);
  if (!done) {
    child.kill('SIGKILL');
    await exited;
  }
}

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * The API's environment for a benchmark: production mode on `url`, a pool of `pool`, tokens
 * signed with `secret`, no rate limit, no scheduler, a free port.
 */
export async function benchServerEnv(
  url: string,
  pool: number,
  secret: string,
): Promise<Record<string, string>> {
  return {
    NODE_ENV: 'production',
    DATABASE_URL: url,
    DATABASE_POOL_MAX: String(pool),
    SUPABASE_JWT_SECRET: secret,
    IP_HASH_SECRET: randomBytes(32).toString('base64url'),
    RATE_LIMIT_MAX: '0',
    LOG_LEVEL: 'warn',
    SCHEDULER_ENABLED: 'false',
    HOST: '127.0.0.1',
    PORT: String(await freePort()),
    DATA_DIR: path.join(CACHE_DIR, 'data'),
  };
}
