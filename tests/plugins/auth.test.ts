import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { App } from '../../src/app.js';
import { mintToken } from '../../src/lib/tokens.js';
import { authByQuery } from '../../src/plugins/auth.js';
import { createTestApp, useTestApp } from '../helpers/app.js';
import { createAccount, createUser, expectError } from '../helpers/factories.js';

const configuredAdmin = randomUUID();

/** Routes of each auth level, added for this test only. */
function levelRoutes(app: App) {
  for (const level of ['public', 'token', 'user', 'admin'] as const) {
    app.get(`/test/${level}`, { config: { auth: level } }, async (request) => ({
      auth: request.auth?.userId ?? null,
      user: request.user,
    }));
  }
  app.get(
    '/test/by-query',
    {
      config: { auth: authByQuery('view', { open: 'public', mine: 'token', profile: 'user' }) },
      schema: {
        querystring: {
          type: 'object',
          properties: { view: { type: 'string', default: 'open' } },
        },
      },
    },
    async (request) => ({ user: request.user }),
  );
  app.get('/test/cron', { config: { auth: 'cron' } }, async () => ({ ran: true }));
}

describe('auth hooks', () => {
  const t = useTestApp({ ADMIN_USER_IDS: configuredAdmin }, levelRoutes);

  it('lets anyone through a public route and fills the viewer when a token is sent', async () => {
    const anonymous = await t.request({ method: 'GET', url: '/test/public' });
    expect(anonymous.json()).toEqual({ auth: null, user: null });
    const account = await createAccount(t);
    const signedIn = await t.request({ method: 'GET', url: '/test/public', token: account.token });
    expect(signedIn.json()).toMatchObject({ auth: account.id });
  });

  it('answers 401 for an invalid token even on a public route', async () => {
    const forged = await mintToken({
      userId: randomUUID(),
      secret: 'not-the-project-secret-but-long-enough-1234',
    });
    expectError(
      await t.request({ method: 'GET', url: '/test/public', token: forged }),
      401,
      'unauthorized',
    );
    expectError(
      await t.request({ method: 'GET', url: '/health', token: 'garbage' }),
      401,
      'unauthorized',
    );
  });

  it('answers 401 for a malformed Authorization header', async () => {
    for (const authorization of ['Basic dXNlcjpwYXNz', 'Bearer', 'Bearer a b', 'token abc']) {
      const res = await t.request({
        method: 'GET',
        url: '/test/public',
        headers: { authorization },
      });
      expectError(res, 401, 'unauthorized');
    }
  });

  it('requires a token on token, user and admin routes', async () => {
    for (const level of ['token', 'user', 'admin']) {
      expectError(await t.request({ method: 'GET', url: `/test/${level}` }), 401, 'unauthorized');
    }
  });

  it('lets an account without a profile through token routes only', async () => {
    const account = await createAccount(t);
    const tokenRoute = await t.request({ method: 'GET', url: '/test/token', token: account.token });
    expect(tokenRoute.statusCode).toBe(200);
    const userRoute = await t.request({ method: 'GET', url: '/test/user', token: account.token });
    expectError(userRoute, 403, 'onboarding_required');
  });

  it('gives user routes the caller', async () => {
    const user = await createUser(t);
    const res = await t.request({ method: 'GET', url: '/test/user', token: user.token });
    expect(res.json()).toEqual({
      auth: user.id,
      user: { id: user.id, isAdmin: false, suspended: false },
    });
  });

  it('lets admins through admin routes: by profile flag, token claim or configuration', async () => {
    const plain = await createUser(t);
    expectError(
      await t.request({ method: 'GET', url: '/test/admin', token: plain.token }),
      403,
      'forbidden',
    );

    const flagged = await createUser(t, { admin: true });
    const byFlag = await t.request({ method: 'GET', url: '/test/admin', token: flagged.token });
    expect(byFlag.json()).toMatchObject({ user: { id: flagged.id, isAdmin: true } });

    const claimToken = await t.token(randomUUID(), { admin: true });
    const byClaim = await t.request({ method: 'GET', url: '/test/admin', token: claimToken });
    expect(byClaim.statusCode).toBe(200);

    const byConfig = await t.request({
      method: 'GET',
      url: '/test/admin',
      token: await t.token(configuredAdmin),
    });
    expect(byConfig.statusCode).toBe(200);
  });

  it('verifies a token at POST /auth/verify', async () => {
    const account = await createAccount(t);
    const before = await t.request({ method: 'POST', url: '/auth/verify', token: account.token });
    expect(before.statusCode).toBe(200);
    expect(before.json()).toMatchObject({ valid: true, user_id: account.id, onboarded: false });
    expect(Date.parse(before.json().expires_at)).toBeGreaterThan(Date.now());

    const user = await createUser(t);
    const after = await t.request({ method: 'POST', url: '/auth/verify', token: user.token });
    expect(after.json()).toMatchObject({ valid: true, user_id: user.id, onboarded: true });

    expectError(await t.request({ method: 'POST', url: '/auth/verify' }), 401, 'unauthorized');
    const expired = await t.token(user.id, { expiresInSeconds: -600 });
    expectError(
      await t.request({ method: 'POST', url: '/auth/verify', token: expired }),
      401,
      'unauthorized',
    );
  });

  it('documents the bearer scheme on routes that need it', async () => {
    const doc = (await t.request({ method: 'GET', url: '/openapi.json' })).json() as {
      paths: Record<string, Record<string, { security?: unknown }>>;
      components: { securitySchemes: Record<string, unknown> };
    };
    expect(doc.components.securitySchemes.bearerAuth).toMatchObject({ scheme: 'bearer' });
    expect(doc.paths['/auth/verify']?.post?.security).toEqual([{ bearerAuth: [] }]);
    expect(doc.paths['/users/me']?.get?.security).toEqual([{ bearerAuth: [] }]);
    // a public route shows no lock in the docs; one whose level depends on a query, an optional one
    expect(doc.paths['/health']?.get?.security).toEqual([]);
    expect(doc.paths['/feed']?.get?.security).toEqual([{}, { bearerAuth: [] }]);
    expect(Object.keys(doc.components.securitySchemes)).toEqual(['bearerAuth']);
  });

  it('takes the level of a route from a query parameter when the route says so', async () => {
    const account = await createAccount(t);
    const user = await createUser(t);
    const get = (view: string | undefined, token?: string) =>
      t.request({ method: 'GET', url: `/test/by-query${view ? `?view=${view}` : ''}`, token });

    expect((await get(undefined)).statusCode).toBe(200); // the default, open
    expect((await get('open')).statusCode).toBe(200);
    expectError(await get('mine'), 401, 'unauthorized');
    expect((await get('mine', account.token)).statusCode).toBe(200);
    expectError(await get('profile', account.token), 403, 'onboarding_required');
    expect((await get('profile', user.token)).json()).toMatchObject({ user: { id: user.id } });
    // a value the route does not name asks for the most: a user
    expectError(await get('other', account.token), 403, 'onboarding_required');
  });

  it('treats a cron route as missing while CRON_SECRET is unset, and never reads its token', async () => {
    const user = await createUser(t);
    expectError(await t.request({ method: 'GET', url: '/test/cron' }), 404, 'not_found');
    // a user's token is not a cron secret, and is not checked as a token either
    expectError(
      await t.request({ method: 'GET', url: '/test/cron', token: user.token }),
      404,
      'not_found',
    );
  });
});

describe('a route that declares no auth level', () => {
  it('stops the start with a message naming the route and the fix', async () => {
    await expect(
      createTestApp({}, (app) => {
        app.get('/test/undeclared', async () => ({ open: true }));
      }),
    ).rejects.toThrow(
      /^GET \/test\/undeclared declares no auth level: give the route config: \{ auth: 'public' \| 'token' \| 'user' \| 'admin' \| 'cron' \}/,
    );
  });

  it('stops the start for a level that does not exist', async () => {
    await expect(
      createTestApp({}, (app) => {
        app.get('/test/typo', { config: { auth: 'pubilc' as 'public' } }, async () => ({}));
      }),
    ).rejects.toThrow(/^GET \/test\/typo declares no auth level/);
  });
});

describe('a cron route with CRON_SECRET set', () => {
  const secret = 'cron-secret-of-the-auth-test-0123456789';
  const t = useTestApp({ CRON_SECRET: secret }, (app) => {
    app.get('/test/cron', { config: { auth: 'cron' } }, async () => ({ ran: true }));
  });

  it('runs with the secret and answers 401 without it, whatever else is sent', async () => {
    const run = (authorization?: string) =>
      t.request({
        method: 'GET',
        url: '/test/cron',
        ...(authorization ? { headers: { authorization } } : {}),
      });
    expect((await run(`Bearer ${secret}`)).json()).toEqual({ ran: true });
    for (const header of [undefined, 'Bearer wrong', `Basic ${secret}`, `Bearer ${secret}x`]) {
      expectError(await run(header), 401, 'unauthorized');
    }
  });
});

describe('tokens a probe forged (docs/resilience.md)', () => {
  const t = useTestApp();

  it('answers 401, never 500, for a signed token whose exp is no date (1e308)', async () => {
    const { SignJWT } = await import('jose');
    const { TEST_JWT_SECRET } = await import('../helpers/env.js');
    const sign = (claims: Record<string, unknown>) =>
      new SignJWT({ sub: randomUUID(), aud: 'authenticated', role: 'authenticated', ...claims })
        .setProtectedHeader({ alg: 'HS256' })
        .sign(new TextEncoder().encode(TEST_JWT_SECRET));
    for (const claims of [{ exp: 1e308 }, { exp: 4e9, role: 'service_role' }, { exp: 4e9 }]) {
      const res = await t.request({
        method: 'POST',
        url: '/auth/verify',
        token: await sign(claims),
      });
      expectError(res, 401, 'unauthorized');
    }
  });
});
