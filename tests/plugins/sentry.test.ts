import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { gunzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

/**
 * Error tracking end to end: the app with SENTRY_DSN set sends an unexpected error to Sentry,
 * tagged with the request id the client got. "Sentry" is a local HTTP server that keeps the
 * envelopes the SDK posts; the app runs in a child process (tests/helpers/sentry-app.ts).
 */
describe('Sentry', () => {
  const envelopes: string[] = [];
  let sentry: Server;
  let child: ChildProcess;
  let dataDir: string;
  let base: string;

  beforeAll(async () => {
    sentry = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (chunk: Buffer) => chunks.push(chunk));
      req.on('end', () => {
        const body = Buffer.concat(chunks);
        envelopes.push(
          req.headers['content-encoding'] === 'gzip'
            ? gunzipSync(body).toString()
            : body.toString(),
        );
        res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
      });
    });
    await new Promise<void>((resolve) => sentry.listen(0, '127.0.0.1', resolve));
    const dsn = `http://publickey@127.0.0.1:${(sentry.address() as AddressInfo).port}/42`;
    dataDir = mkdtempSync(path.join(tmpdir(), 'pageshare-sentry-'));
    child = spawn(process.execPath, ['--import', 'tsx', 'tests/helpers/sentry-app.ts'], {
      env: { ...process.env, SENTRY_DSN: dsn, DATA_DIR: dataDir },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    const port = await new Promise<number>((resolve, reject) => {
      let out = '';
      child.stdout?.on('data', (chunk: Buffer) => {
        out += chunk.toString();
        const match = /\{"port":(\d+)\}/.exec(out);
        if (match) resolve(Number(match[1]));
      });
      child.on('exit', (code) => reject(new Error(`the app exited early (${code})`)));
    });
    base = `http://127.0.0.1:${port}`;
  }, 60_000);

  afterAll(async () => {
    if (child && child.exitCode === null) {
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGTERM');
      await exited;
    }
    await new Promise((resolve) => sentry?.close(resolve));
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('receives an unexpected error with the request id, and the client sees none of it', async () => {
    const res = await fetch(`${base}/test/boom`, { headers: { 'x-request-id': 'sentry-test-1' } });
    expect(res.status).toBe(500);
    const body = await res.json();
    expect(body).toEqual({
      error: {
        code: 'internal_error',
        message: 'something went wrong on our side',
        request_id: 'sentry-test-1',
      },
    });

    await expect
      .poll(() => envelopes.find((e) => e.includes('failed on purpose')), { timeout: 10_000 })
      .toBeDefined();
    // one report, the error handler's: not a second one from Sentry's Fastify integration
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    const reports = envelopes.filter((e) => e.includes('failed on purpose'));
    expect(reports).toHaveLength(1);
    const envelope = reports[0]!;
    const event = envelope
      .split('\n')
      .filter(Boolean)
      .map((line) => JSON.parse(line) as Record<string, unknown>)
      .find((item) => 'exception' in item) as {
      exception: { values: { type: string; value: string }[] };
      tags: Record<string, string>;
      contexts: Record<string, Record<string, unknown>>;
      environment: string;
    };
    expect(event.exception.values.at(-1)).toMatchObject({
      type: 'Error',
      value: 'the sentry test route failed on purpose',
    });
    expect(event.tags.request_id).toBe('sentry-test-1');
    expect(event.contexts.request).toMatchObject({ method: 'GET', route: '/test/boom' });
    expect(event.environment).toBe('test');
  });

  it('sends nothing for an error the client caused', async () => {
    const before = envelopes.length;
    const res = await fetch(`${base}/posts?limit=0`);
    expect(res.status).toBe(422);
    const missing = await fetch(`${base}/no/such/route`);
    expect(missing.status).toBe(404);
    const post = await fetch(`${base}/posts/00000000-0000-4000-8000-000000000000`);
    expect(post.status).toBe(404);
    const anonymous = await fetch(`${base}/users/me`);
    expect(anonymous.status).toBe(401);
    const conflict = await fetch(`${base}/test/conflict`);
    expect(conflict.status).toBe(409);
    // give the SDK the time it took to send the 500 above; nothing new may arrive
    await new Promise((resolve) => setTimeout(resolve, 1_500));
    expect(envelopes.slice(before).filter((e) => e.includes('"exception"'))).toEqual([]);
  });
});
