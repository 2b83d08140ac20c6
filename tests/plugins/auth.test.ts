import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { App } from '../../src/app.js';
import { mintToken } from '../../src/lib/tokens.js';
import { useTestApp } from '../helpers/app.js';
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
    expect(res.json()).toEqual({ auth: user.id, user: { id: user.id, isAdmin: false } });
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
    expect(doc.paths['/auth/verify']?.post?.security).toEqual([{}, { bearerAuth: [] }]);
  });
});
