import { execFileSync } from 'node:child_process';
import { copyFileSync, mkdirSync, rmSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mintToken } from '../../src/lib/tokens.js';
import { TEST_JWT_SECRET } from '../helpers/env.js';
import { type ServerProcess, startServer } from '../helpers/server-process.js';

/**
 * `npm run build` (scripts/build.ts) and the server it builds, run by plain node as a host
 * without tsx would: it must start (the admin and live pages read their assets/ at start) and
 * serve. Built under node_modules/.cache, beside a copy of package.json, as dist/ sits beside
 * the project's.
 */
const root = path.resolve(import.meta.dirname, '../..');
const folder = path.join(root, 'node_modules', '.cache', 'pageshare-build-test');
const out = path.join(folder, 'dist');

describe('npm run build', () => {
  let server: ServerProcess;
  beforeAll(async () => {
    rmSync(folder, { recursive: true, force: true });
    mkdirSync(folder, { recursive: true });
    copyFileSync(path.join(root, 'package.json'), path.join(folder, 'package.json'));
    execFileSync(
      process.execPath,
      ['--import', 'tsx', 'scripts/build.ts', '--out-dir', path.relative(root, out)],
      { cwd: root, stdio: 'pipe' },
    );
    server = await startServer({}, [path.join(out, 'server.js')]);
  }, 120_000);
  afterAll(async () => {
    await server?.stop();
    rmSync(folder, { recursive: true, force: true });
  });

  it('builds a server plain node runs: the API, its database, the pages and their assets', async () => {
    const health = await fetch(`${server.base}/health`);
    expect(health.status).toBe(200);
    expect(await health.json()).toMatchObject({ status: 'ok' });

    const token = await mintToken({
      userId: '6f1c0a1e-0000-4000-8000-00000000b111',
      secret: TEST_JWT_SECRET,
      audience: 'authenticated',
    });
    const me = await fetch(`${server.base}/users/me/onboarding`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ username: 'built_server', display_name: 'Built', timezone: 'UTC' }),
    });
    expect(me.status, await me.clone().text()).toBe(201);
    expect(await me.json()).toMatchObject({ username: 'built_server' });

    for (const [url, type] of [
      ['/admin', 'text/html'],
      ['/admin/assets/dashboard.js', 'javascript'],
      ['/live', 'text/html'],
      ['/live/assets/live.css', 'text/css'],
      ['/openapi.json', 'application/json'],
    ] as const) {
      const res = await fetch(`${server.base}${url}`);
      expect(res.status, url).toBe(200);
      expect(res.headers.get('content-type'), url).toContain(type);
      expect((await res.text()).length, url).toBeGreaterThan(100);
    }
  });
});
