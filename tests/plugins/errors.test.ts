import { Type } from 'typebox';
import { describe, expect, it } from 'vitest';
import type { App } from '../../src/app.js';
import { buildApp } from '../../src/app.js';
import { openDatabase } from '../../src/db/index.js';
import { invalid } from '../../src/lib/errors.js';
import { Text } from '../../src/lib/schemas.js';
import { testConfig, useTestApp } from '../helpers/app.js';
import { expectError } from '../helpers/factories.js';

function testRoutes(app: App) {
  app.get('/test/boom', { config: { auth: 'public' } }, async () => {
    throw new Error('secret detail: select * from users where password = 1');
  });
  app.get('/test/pg', { config: { auth: 'public' } }, async () => {
    const error = Object.assign(new Error('duplicate key value'), {
      code: '23505',
      constraint: 'users_username_key',
    });
    throw error;
  });
  app.get('/test/app-error', { config: { auth: 'public' } }, async () => {
    throw invalid('content', 'must be at most 1000 characters');
  });
  app.post(
    '/test/validate',
    {
      config: { auth: 'public' },
      schema: {
        body: Type.Object({
          content: Text({ maxLength: 10 }),
          count: Type.Integer({ minimum: 1 }),
          nested: Type.Optional(Type.Object({ items: Type.Array(Type.String({ minLength: 1 })) })),
        }),
        params: Type.Object({}),
      },
    },
    async () => ({ ok: true }),
  );
}

describe('error handling', () => {
  const t = useTestApp({}, testRoutes);

  it('hides the internals of an unexpected error and records it', async () => {
    const res = await t.request({ method: 'GET', url: '/test/boom' });
    const error = expectError(res, 500, 'internal_error');
    expect(res.body).not.toContain('secret detail');
    const logged = await t.db
      .selectFrom('error_logs')
      .selectAll()
      .where('request_id', '=', error.request_id)
      .executeTakeFirstOrThrow();
    expect(logged).toMatchObject({ level: 'error', source: 'backend', url: 'GET /test/boom' });
    expect(logged.message).toContain('secret detail');
  });

  it('turns a known unique violation into its conflict', async () => {
    expectError(await t.request({ method: 'GET', url: '/test/pg' }), 409, 'username_taken');
  });

  it('passes an AppError through with its details', async () => {
    const error = expectError(
      await t.request({ method: 'GET', url: '/test/app-error' }),
      422,
      'validation_error',
    );
    expect(error.details).toEqual([
      { field: 'content', message: 'must be at most 1000 characters' },
    ]);
  });

  it('lists every invalid field in details', async () => {
    const res = await t.request({
      method: 'POST',
      url: '/test/validate',
      payload: { content: 'a\u0000b', count: 0, nested: { items: [''] } },
    });
    const error = expectError(res, 422, 'validation_error');
    expect(error.details).toEqual(
      expect.arrayContaining([
        { field: 'content', message: 'contains characters that are not allowed' },
        { field: 'count', message: expect.stringMatching(/>= 1/) },
        { field: 'nested.items[0]', message: expect.any(String) },
      ]),
    );
    const missing = expectError(
      await t.request({ method: 'POST', url: '/test/validate', payload: {} }),
      422,
      'validation_error',
    );
    expect(missing.details).toEqual(
      expect.arrayContaining([{ field: 'content', message: 'is required' }]),
    );
  });

  it('answers a JSON body of the wrong type with 422, and a non-JSON type with 415', async () => {
    expectError(
      await t.request({
        method: 'POST',
        url: '/test/validate',
        payload: '[1,2]',
        headers: { 'content-type': 'application/json' },
      }),
      422,
      'validation_error',
    );
    expectError(
      await t.request({
        method: 'POST',
        url: '/test/validate',
        payload: 'x=1',
        headers: { 'content-type': 'text/csv' },
      }),
      415,
      'unsupported_media_type',
    );
  });
});

describe('rate limits', () => {
  const t = useTestApp({ RATE_LIMIT_MAX: '3' });

  it('answers 429 rate_limited with Retry-After past the limit', async () => {
    const statuses: number[] = [];
    let last = await t.request({ method: 'POST', url: '/auth/verify' });
    statuses.push(last.statusCode);
    for (let i = 0; i < 3; i++) {
      last = await t.request({ method: 'POST', url: '/auth/verify' });
      statuses.push(last.statusCode);
    }
    expect(statuses).toEqual([401, 401, 401, 429]);
    expectError(last, 429, 'rate_limited');
    expect(Number(last.headers['retry-after'])).toBeGreaterThan(0);
    // the health check is never limited
    expect((await t.request({ method: 'GET', url: '/health' })).statusCode).toBe(200);
  });
});

describe('health with the database down', () => {
  it('answers 503 degraded', async () => {
    const database = await openDatabase({
      databaseUrl: 'postgres://postgres@127.0.0.1:9/none',
      pgliteDataDir: '',
    });
    const app = await buildApp({ config: testConfig(), database });
    try {
      const res = await app.inject({ method: 'GET', url: '/health' });
      expect(res.statusCode).toBe(503);
      expect(res.json()).toMatchObject({ status: 'degraded', database: 'unreachable' });
      // a route that needs the database answers 503 unavailable, not 500
      const token = await import('../../src/lib/tokens.js').then((m) =>
        m.mintToken({
          userId: '6f1c0a1e-0000-4000-8000-000000000001',
          secret: testConfig().jwtSecret!,
        }),
      );
      const verify = await app.inject({
        method: 'POST',
        url: '/auth/verify',
        headers: { authorization: `Bearer ${token}` },
      });
      expectError(verify, 503, 'unavailable');
    } finally {
      await app.close();
      await database.close();
    }
  });
});
