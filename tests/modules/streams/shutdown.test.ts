import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { openSse } from '../../helpers/sse.js';

/**
 * The real process (src/server.ts, as `npm start` runs it) on the embedded database: on
 * SIGTERM its streams end (clients reconnect elsewhere) and it exits within the drain time
 * (10 s, the force-exit timer of server.ts).
 */
describe('SIGTERM', () => {
  let child: ChildProcess | undefined;
  afterAll(() => {
    if (child && child.exitCode === null) child.kill('SIGKILL');
  });

  it('ends the open streams and exits with 0', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'pageshare-sigterm-'));
    child = spawn(process.execPath, ['--import', 'tsx', 'src/server.ts'], {
      env: {
        ...process.env,
        NODE_ENV: 'development',
        DATA_DIR: dir,
        PGLITE_DATA_DIR: 'memory://',
        PORT: '0',
        HOST: '127.0.0.1',
        LOG_LEVEL: 'warn',
        SCHEDULER_ENABLED: 'false',
        DATABASE_URL: '',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const running = child;
    const exited = new Promise<number | null>((resolve) =>
      running.on('exit', (code) => resolve(code)),
    );
    const base = await new Promise<string>((resolve, reject) => {
      let out = '';
      running.stdout!.on('data', (chunk) => {
        out += String(chunk);
        const match = /listening on (http:\/\/\S+)/.exec(out);
        if (match) resolve(match[1]!);
      });
      running.on('exit', () => reject(new Error(`the server exited early: ${out}`)));
    });
    const streams = [
      await openSse(`${base}/streams/public`),
      await openSse(`${base}/streams/tickers/AAPL`),
    ];
    expect(streams.map((s) => s.status)).toEqual([200, 200]);
    running.kill('SIGTERM');
    await Promise.all(streams.map((s) => s.ended));
    // 0: it closed by itself; past the drain time the force-exit timer exits with 1
    expect(await exited).toBe(0);
  }, 120_000);
});
