import { randomUUID } from 'node:crypto';
import { SignJWT } from 'jose';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { AppError } from '../../../src/lib/errors.js';
import { createTokenVerifier, mintToken } from '../../../src/lib/tokens.js';
import { TEST_JWT_SECRET } from '../../helpers/env.js';
import { type JwksServer, startJwksServer } from '../../helpers/jwks-server.js';

const AUD = 'authenticated';
const now = () => Math.floor(Date.now() / 1000);
const b64 = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');

async function rejected(promise: Promise<unknown>): Promise<AppError> {
  const error = await promise.then(
    () => {
      throw new Error('the token was accepted');
    },
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(AppError);
  return error as AppError;
}

async function expect401(promise: Promise<unknown>) {
  const error = await rejected(promise);
  expect({ status: error.statusCode, code: error.code }).toEqual({
    status: 401,
    code: 'unauthorized',
  });
  return error;
}

describe('HS256 tokens (legacy Supabase secret)', () => {
  const verify = createTokenVerifier({
    jwtSecret: TEST_JWT_SECRET,
    supabaseUrl: undefined,
    jwtAudience: AUD,
  });
  const userId = randomUUID();

  it('accepts a token signed with the secret and reads its claims', async () => {
    const token = await mintToken({ userId, secret: TEST_JWT_SECRET, admin: true });
    const verified = await verify(token);
    expect(verified.userId).toBe(userId);
    expect(verified.adminClaim).toBe(true);
    expect(verified.expiresAt!.getTime()).toBeGreaterThan(Date.now());
  });

  it('remembers a verified token only until it expires', async () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    try {
      const token = await mintToken({ userId, secret: TEST_JWT_SECRET, expiresInSeconds: 60 });
      expect((await verify(token)).userId).toBe(userId);
      expect((await verify(token)).userId).toBe(userId);
      vi.setSystemTime(Date.now() + 120_000); // past exp and the clock tolerance
      expect((await expect401(verify(token))).message).toMatch(/expired/);
    } finally {
      vi.useRealTimers();
    }
  });

  it('refuses alg none', async () => {
    const token = `${b64({ alg: 'none', typ: 'JWT' })}.${b64({ sub: userId, aud: AUD, exp: now() + 600 })}.`;
    await expect401(verify(token));
  });

  it('refuses a token signed with another secret', async () => {
    const token = await mintToken({
      userId,
      secret: 'another-secret-that-is-long-enough-0123456789',
    });
    await expect401(verify(token));
  });

  it('refuses an expired token but tolerates a little clock skew', async () => {
    const expired = await new SignJWT({ role: 'authenticated' })
      .setProtectedHeader({ alg: 'HS256' })
      .setSubject(userId)
      .setAudience(AUD)
      .setExpirationTime(now() - 120)
      .sign(new TextEncoder().encode(TEST_JWT_SECRET));
    expect((await expect401(verify(expired))).message).toMatch(/expired/);
    const skewed = await new SignJWT({ role: 'authenticated' })
      .setProtectedHeader({ alg: 'HS256' })
      .setSubject(userId)
      .setAudience(AUD)
      .setExpirationTime(now() - 5)
      .sign(new TextEncoder().encode(TEST_JWT_SECRET));
    expect((await verify(skewed)).userId).toBe(userId);
  });

  it('refuses the wrong audience, a missing audience, and a token without a user', async () => {
    await expect401(verify(await mintToken({ userId, secret: TEST_JWT_SECRET, audience: 'anon' })));
    const noAud = await new SignJWT({})
      .setProtectedHeader({ alg: 'HS256' })
      .setSubject(userId)
      .setExpirationTime(now() + 600)
      .sign(new TextEncoder().encode(TEST_JWT_SECRET));
    await expect401(verify(noAud));
    const noSub = await new SignJWT({ role: 'anon' })
      .setProtectedHeader({ alg: 'HS256' })
      .setAudience(AUD)
      .setExpirationTime(now() + 600)
      .sign(new TextEncoder().encode(TEST_JWT_SECRET));
    await expect401(verify(noSub));
    await expect401(verify(await mintToken({ userId: 'not-a-uuid', secret: TEST_JWT_SECRET })));
  });

  const signed = (claims: Record<string, unknown>) =>
    new SignJWT({ sub: userId, aud: AUD, role: 'authenticated', exp: now() + 600, ...claims })
      .setProtectedHeader({ alg: 'HS256' })
      .sign(new TextEncoder().encode(TEST_JWT_SECRET));

  it('refuses the keys of the project (role anon or service_role) naming a user', async () => {
    for (const role of ['anon', 'service_role', undefined, 'admin']) {
      const error = await expect401(verify(await signed({ role })));
      expect(error.message).toMatch(/role/);
    }
    expect((await verify(await signed({}))).userId).toBe(userId);
  });

  it('refuses an exp beyond any date (1e308) or years ahead, and an iat in the future', async () => {
    for (const exp of [1e308, now() + 5 * 366 * 24 * 3600]) {
      expect((await expect401(verify(await signed({ exp })))).message).toMatch(/exp/);
    }
    const future = await signed({ iat: now() + 3600 });
    expect((await expect401(verify(future))).message).toMatch(/iat/);
    // a little clock skew is tolerated
    expect((await verify(await signed({ iat: now() + 5 }))).userId).toBe(userId);
  });

  it('refuses garbage', async () => {
    for (const garbage of ['', 'abc', 'a.b.c', `${b64({ alg: 'HS256' })}.e30.`, '....']) {
      await expect401(verify(garbage));
    }
  });

  it('refuses an ES256 token when no JWKS is configured', async () => {
    const jwks = await startJwksServer();
    try {
      const token = await jwks.sign({ sub: userId, aud: AUD, exp: now() + 600 }, { kid: 'k1' });
      await expect401(verify(token));
    } finally {
      await jwks.close();
    }
  });
});

describe('ES256/RS256 tokens from the project JWKS', () => {
  let jwks: JwksServer;
  let verify: ReturnType<typeof createTokenVerifier>;
  const userId = randomUUID();

  beforeAll(async () => {
    jwks = await startJwksServer();
    await jwks.addKey('es-1', 'ES256');
    await jwks.addKey('rs-1', 'RS256');
    verify = createTokenVerifier({ jwtSecret: undefined, supabaseUrl: jwks.url, jwtAudience: AUD });
  });
  afterAll(async () => jwks?.close());
  afterEach(() => {
    vi.useRealTimers();
  });

  const claims = (extra: Record<string, unknown> = {}) => ({
    sub: userId,
    aud: AUD,
    iss: jwks.issuer,
    exp: now() + 600,
    role: 'authenticated',
    ...extra,
  });

  it('accepts ES256 and RS256 tokens of the project', async () => {
    expect((await verify(await jwks.sign(claims(), { kid: 'es-1' }))).userId).toBe(userId);
    expect((await verify(await jwks.sign(claims(), { kid: 'rs-1' }))).userId).toBe(userId);
  });

  it('checks the issuer', async () => {
    await expect401(
      verify(await jwks.sign(claims({ iss: 'https://evil.test/auth/v1' }), { kid: 'es-1' })),
    );
    await expect401(verify(await jwks.sign(claims({ iss: undefined }), { kid: 'es-1' })));
  });

  it('refuses an HS256 token "signed" with the public key', async () => {
    const publicJwk = JSON.stringify(jwks.publicJwk('es-1'));
    const forged = await new SignJWT(claims())
      .setProtectedHeader({ alg: 'HS256', kid: 'es-1' })
      .sign(new TextEncoder().encode(publicJwk));
    await expect401(verify(forged));
    // also when an HS256 secret is configured beside the JWKS
    const both = createTokenVerifier({
      jwtSecret: TEST_JWT_SECRET,
      supabaseUrl: jwks.url,
      jwtAudience: AUD,
    });
    await expect401(both(forged));
  });

  it('refuses a key the project does not publish, refetching at most once a minute', async () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    const started = Date.now();
    await verify(await jwks.sign(claims(), { kid: 'es-1' }));
    const before = jwks.fetches();

    // an attacker's key: one refetch at most, then none within the minute
    vi.setSystemTime(started + 61_000);
    await expect401(verify(await jwks.sign(claims(), { kid: 'attacker-1' })));
    await expect401(verify(await jwks.sign(claims(), { kid: 'attacker-2' })));
    expect(jwks.fetches() - before).toBeLessThanOrEqual(1);

    // the project rotates its key: after the cooldown the new kid is fetched and accepted
    await jwks.addKey('es-2', 'ES256');
    vi.setSystemTime(started + 2 * 61_000 + 1_000);
    const rotated = await jwks.sign(claims({ exp: Math.floor(Date.now() / 1000) + 600 }), {
      kid: 'es-2',
    });
    expect((await verify(rotated)).userId).toBe(userId);
  });

  it('answers 503 when the key set cannot be fetched', async () => {
    const down = createTokenVerifier({
      jwtSecret: undefined,
      supabaseUrl: 'http://127.0.0.1:9',
      jwtAudience: AUD,
    });
    const error = await rejected(down(await jwks.sign(claims(), { kid: 'es-1' })));
    expect(error.code).toBe('unavailable');
  });
});
