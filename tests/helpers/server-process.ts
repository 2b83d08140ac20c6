import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { TEST_IP_HASH_SECRET, TEST_JWT_SECRET } from './env.js';

/**
 * The service as `npm start` runs it (src/server.ts), in a child process, for the tests that
 * need a real process: signals, exit codes, a database restarting under it.
 */
export interface ServerProcess {
  child: ChildProcess;
  base: string;
  /** stdout and stderr so far */
  output(): string;
  /** Resolves with the exit code (null when killed by a signal). */
  exited: Promise<number | null>;
  stop(): Promise<void>;
}

export async function startServer(
  env: Record<string, string> = {},
  /** node's arguments: the server from source by default, or a built one (dist/server.js) */
  args = ['--import', 'tsx', 'src/server.ts'],
): Promise<ServerProcess> {
  const dataDir = mkdtempSync(path.join(tmpdir(), 'pageshare-server-'));
  const child = spawn(process.execPath, args, {
    env: {
      PATH: process.env.PATH ?? '',
      HOME: process.env.HOME ?? tmpdir(),
      NODE_ENV: 'development',
      LOG_LEVEL: 'warn',
      HOST: '127.0.0.1',
      PORT: '0',
      DATA_DIR: dataDir,
      PGLITE_DATA_DIR: 'memory://',
      SUPABASE_JWT_SECRET: TEST_JWT_SECRET,
      IP_HASH_SECRET: TEST_IP_HASH_SECRET,
      RATE_LIMIT_MAX: '0',
      SCHEDULER_ENABLED: 'false',
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout?.on('data', (chunk) => {
    output += chunk;
  });
  child.stderr?.on('data', (chunk) => {
    output += chunk;
  });
  const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
  void exited.then(() => rmSync(dataDir, { recursive: true, force: true }));
  const base = await new Promise<string>((resolve, reject) => {
    const look = () => {
      const match = /listening on (http:\/\/\S+)/.exec(output);
      if (match) resolve(match[1]!);
    };
    child.stdout?.on('data', look);
    void exited.then((code) => reject(new Error(`the server exited (${code}):\n${output}`)));
  });
  return {
    child,
    base,
    output: () => output,
    exited,
    stop: async () => {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
      await exited;
    },
  };
}
