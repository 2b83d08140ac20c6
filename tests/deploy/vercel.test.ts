import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../helpers/database.js';
import { TEST_IP_HASH_SECRET, TEST_JWT_SECRET } from '../helpers/env.js';

/** The Vercel function (api/index.ts) served by a plain node:http server, as Vercel does. */
async function serve(env: Record<string, string>) {
  vi.resetModules();
  for (const [key, value] of Object.entries(env)) vi.stubEnv(key, value);
  const { default: handler } = await import('../../api/index.js');
  const server: Server = createServer((req, res) => void handler(req, res));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return { base, close: () => new Promise<void>((resolve) => server.close(() => resolve())) };
}

const env = {
  NODE_ENV: 'production',
  SUPABASE_JWT_SECRET: TEST_JWT_SECRET,
  IP_HASH_SECRET: TEST_IP_HASH_SECRET,
  LOG_LEVEL: 'silent',
  RATE_LIMIT_MAX: '0',
};

describe('the Vercel function', () => {
  let testDb: TestDatabase;
  beforeAll(async () => {
    testDb = await createTestDatabase();
  });
  afterAll(async () => {
    vi.unstubAllEnvs();
    await testDb?.close();
  });

  it('answers 503 in the error shape when DATABASE_URL is missing', async () => {
    const { base, close } = await serve({ ...env, DATABASE_URL: '' });
    // the function logs why, once per cold start; kept out of the test output, and checked
    const logged = vi.spyOn(console, 'error').mockImplementation(() => {});
    try {
      const res = await fetch(`${base}/health`);
      expect(res.status).toBe(503);
      expect(((await res.json()) as { error: { code: string } }).error.code).toBe('unavailable');
      expect(logged).toHaveBeenCalledWith(
        expect.stringMatching(/^configuration error: DATABASE_URL is required/),
      );
    } finally {
      logged.mockRestore();
      await close();
    }
  });

  it('serves the API through the platform request handler', async () => {
    // on PostgreSQL runs the function reaches this file's database; on PGlite runs there is no
    // server to reach, and the health check must say so
    const url = testDb.url ?? 'postgres://postgres@127.0.0.1:9/none';
    const { base, close } = await serve({ ...env, DATABASE_URL: url });
    try {
      const health = await fetch(`${base}/health`);
      expect(health.status).toBe(testDb.url ? 200 : 503);
      expect(health.headers.get('x-request-id')).toBeTruthy();
      const missing = await fetch(`${base}/no-such-route`);
      expect(missing.status).toBe(404);
      const doc = await fetch(`${base}/openapi.json`);
      expect(doc.status).toBe(200);
    } finally {
      await close();
    }
  });
});
