import { createHash, createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { useTestApp } from '../../helpers/app.js';
import { TEST_IP_HASH_SECRET } from '../../helpers/env.js';
import { createAccount, createUser, expectError, uniqueUsername } from '../../helpers/factories.js';

describe('POST /users/me/onboarding', () => {
  const t = useTestApp();

  async function onboard(token: string, payload: Record<string, unknown>, remoteAddress?: string) {
    return t.request({
      method: 'POST',
      url: '/users/me/onboarding',
      token,
      payload,
      ...(remoteAddress ? { remoteAddress } : {}),
    });
  }

  it('creates the profile and answers 201 Me', async () => {
    const account = await createAccount(t);
    const username = uniqueUsername('Alice');
    const res = await onboard(account.token, {
      username,
      display_name: '  Alice Trader  ',
      bio: 'Long $AAPL\r\nshort nothing',
      timezone: 'America/New_York',
      interests: ['aapl', '$TSLA', '#brk.b', 'AAPL'],
    });
    expect(res.statusCode).toBe(201);
    const me = res.json();
    expect(me).toEqual({
      id: account.id,
      username,
      display_name: 'Alice Trader',
      profile_picture_url: null,
      bio: 'Long $AAPL\nshort nothing',
      country: null,
      timezone: 'America/New_York',
      created_at: expect.stringMatching(/^\d{4}-\d\d-\d\dT.*Z$/),
      stats: { followers: 0, following: 0, posts: 0 },
      viewer: null,
      pinned_post: null,
      is_admin: false,
      onboarded_at: expect.stringMatching(/Z$/),
      interests: ['AAPL', 'BRK.B', 'TSLA'],
    });
    const tickers = await t.db
      .selectFrom('tickers')
      .select('symbol')
      .where('symbol', 'in', ['AAPL', 'BRK.B', 'TSLA'])
      .execute();
    expect(tickers).toHaveLength(3);
    const again = await t.request({ method: 'GET', url: '/users/me', token: account.token });
    expect(again.json()).toEqual(me);
  });

  it('defaults display_name to the username and bio to empty', async () => {
    const account = await createAccount(t);
    const username = uniqueUsername('bob');
    const res = await onboard(account.token, { username, timezone: 'UTC' });
    expect(res.statusCode).toBe(201);
    expect(res.json()).toMatchObject({ display_name: username, bio: '', interests: [] });
  });

  it('answers 403 onboarding_required on user routes before onboarding', async () => {
    const account = await createAccount(t);
    for (const [method, url] of [
      ['GET', '/users/me'],
      ['PATCH', '/users/me'],
      ['DELETE', '/users/me/profile-picture'],
      ['POST', '/media/upload'],
    ] as const) {
      const res = await t.request({ method, url, token: account.token, payload: {} });
      expectError(res, 403, 'onboarding_required');
    }
  });

  it('needs a valid token', async () => {
    expectError(await onboard('', { username: 'nobody_x', timezone: 'UTC' }), 401, 'unauthorized');
    const forged = `${(await createAccount(t)).token.slice(0, -4)}AAAA`;
    expectError(
      await onboard(forged, { username: 'nobody_x', timezone: 'UTC' }),
      401,
      'unauthorized',
    );
  });

  it('refuses a second onboarding with 409 already_onboarded', async () => {
    const user = await createUser(t);
    const res = await onboard(user.token, { username: uniqueUsername(), timezone: 'UTC' });
    expectError(res, 409, 'already_onboarded');
  });

  it('refuses a taken username in any case with 409 username_taken', async () => {
    const taken = await createUser(t, { username: uniqueUsername('Carol') });
    const account = await createAccount(t);
    const res = await onboard(account.token, {
      username: taken.username.toUpperCase(),
      timezone: 'UTC',
    });
    expectError(res, 409, 'username_taken');
  });

  it.each([
    ['too short', 'ab'],
    ['too long', 'a'.repeat(31)],
    ['a space', 'has space'],
    ['a dash', 'has-dash'],
    ['non-ASCII', 'élise_x'],
    ['SQL', "x'; drop table users;--"],
  ])('refuses a username with %s (422)', async (_what, username) => {
    const account = await createAccount(t);
    const error = expectError(
      await onboard(account.token, { username, timezone: 'UTC' }),
      422,
      'validation_error',
    );
    expect(error.details).toEqual([expect.objectContaining({ field: 'username' })]);
  });

  // `me` is reserved too, but two letters are refused before that
  it.each(['admin', 'ADMIN', 'Api', 'root', 'Support', 'settings', 'PageShare', 'pageshare_team'])(
    'refuses the reserved name %s (422)',
    async (username) => {
      const account = await createAccount(t);
      const error = expectError(
        await onboard(account.token, { username, timezone: 'UTC' }),
        422,
        'validation_error',
      );
      expect(error.details).toEqual([
        { field: 'username', message: expect.stringMatching(/reserved/) },
      ]);
    },
  );

  it.each([
    ['timezone', { timezone: 'Mars/Olympus_Mons' }],
    ['timezone', { timezone: '+05:00' }],
    ['timezone', { timezone: '' }],
    ['display_name', { display_name: '   ' }],
    ['display_name', { display_name: 'x'.repeat(51) }],
    ['display_name', { display_name: 'two\nlines' }],
    ['display_name', { display_name: 'bell\u0007' }],
    ['bio', { bio: 'x'.repeat(161) }],
    ['bio', { bio: 'nul\u0000byte' }],
    ['interests[1]', { interests: ['AAPL', 'not a symbol'] }],
    [
      'interests',
      { interests: Array.from({ length: 21 }, (_, i) => `T${String.fromCharCode(65 + i)}`) },
    ],
    ['timezone', { timezone: undefined }],
  ])('refuses a bad %s (422)', async (field, extra) => {
    const account = await createAccount(t);
    const error = expectError(
      await onboard(account.token, { username: uniqueUsername(), timezone: 'UTC', ...extra }),
      422,
      'validation_error',
    );
    expect(error.details?.map((d) => (d as { field: string }).field)).toContain(field);
    const me = await t.db.selectFrom('users').select('id').where('id', '=', account.id).execute();
    expect(me).toEqual([]);
  });

  it('accepts zone aliases and fixes the case of known zones', async () => {
    for (const [sent, stored] of [
      ['Asia/Kolkata', 'Asia/Kolkata'],
      ['europe/paris', 'Europe/Paris'],
      ['utc', 'UTC'],
    ]) {
      const account = await createAccount(t);
      const res = await onboard(account.token, { username: uniqueUsername(), timezone: sent });
      expect(res.statusCode).toBe(201);
      expect(res.json().timezone).toBe(stored);
    }
  });

  it('stores SQL and script payloads verbatim and returns them as sent', async () => {
    const account = await createAccount(t);
    const display = `<script>alert('x')</script>`;
    const bio = `'); DROP TABLE users; -- <img src=x onerror=alert(1)> "quoted" \\ back`;
    const res = await onboard(account.token, {
      username: uniqueUsername(),
      display_name: display,
      bio,
      timezone: 'UTC',
    });
    expect(res.statusCode).toBe(201);
    expect(res.json()).toMatchObject({ display_name: display, bio });
    const row = await t.db
      .selectFrom('users')
      .select(['display_name', 'bio'])
      .where('id', '=', account.id)
      .executeTakeFirstOrThrow();
    expect(row).toEqual({ display_name: display, bio });
  });

  it('refuses fields it does not know (is_admin cannot be set)', async () => {
    const account = await createAccount(t);
    const res = await onboard(account.token, {
      username: uniqueUsername(),
      timezone: 'UTC',
      is_admin: true,
      followers_count: 1000,
    });
    const error = expectError(res, 422, 'validation_error');
    expect(error.details?.map((d) => (d as { field: string }).field)).toEqual([
      'is_admin',
      'followers_count',
    ]);
    const me = await t.request({ method: 'GET', url: '/users/me', token: account.token });
    expectError(me, 403, 'onboarding_required');
  });

  it('reports is_admin from the token claim', async () => {
    const account = await createAccount(t);
    const token = await t.token(account.id, { admin: true });
    const res = await onboard(token, { username: uniqueUsername(), timezone: 'UTC' });
    expect(res.json().is_admin).toBe(true);
    const plain = await t.request({ method: 'GET', url: '/users/me', token: account.token });
    expect(plain.json().is_admin).toBe(false);
  });

  it('keeps the address only as an HMAC, and finds the country offline', async () => {
    const account = await createAccount(t);
    const res = await onboard(
      account.token,
      { username: uniqueUsername(), timezone: 'UTC' },
      '8.8.8.8',
    );
    expect(res.statusCode).toBe(201);
    expect(res.json().country).toBe('US');
    const row = await t.db
      .selectFrom('users')
      .select(['ip_hash', 'country'])
      .where('id', '=', account.id)
      .executeTakeFirstOrThrow();
    const plainSha = createHash('sha256').update('8.8.8.8').digest('hex');
    expect(row.ip_hash).not.toBe(plainSha);
    expect(row.ip_hash).not.toContain('8.8.8.8');
    expect(row.ip_hash).toBe(
      createHmac('sha256', TEST_IP_HASH_SECRET).update('8.8.8.8').digest('hex'),
    );
  });

  it('does not trust country headers or X-Forwarded-For without TRUST_PROXY', async () => {
    const account = await createAccount(t);
    const res = await t.request({
      method: 'POST',
      url: '/users/me/onboarding',
      token: account.token,
      remoteAddress: '127.0.0.1',
      headers: { 'x-vercel-ip-country': 'FR', 'cf-ipcountry': 'DE', 'x-forwarded-for': '8.8.8.8' },
      payload: { username: uniqueUsername(), timezone: 'UTC' },
    });
    expect(res.statusCode).toBe(201);
    expect(res.json().country).toBeNull();
    const row = await t.db
      .selectFrom('users')
      .select('ip_hash')
      .where('id', '=', account.id)
      .executeTakeFirstOrThrow();
    expect(row.ip_hash).toBe(
      createHmac('sha256', TEST_IP_HASH_SECRET).update('127.0.0.1').digest('hex'),
    );
  });
});

describe('onboarding behind a trusted proxy', () => {
  const t = useTestApp({ TRUST_PROXY: 'true' });

  async function onboardWith(headers: Record<string, string>) {
    const account = await createAccount(t);
    const res = await t.request({
      method: 'POST',
      url: '/users/me/onboarding',
      token: account.token,
      remoteAddress: '10.0.0.1',
      headers,
      payload: { username: uniqueUsername(), timezone: 'UTC' },
    });
    expect(res.statusCode).toBe(201);
    const row = await t.db
      .selectFrom('users')
      .select('ip_hash')
      .where('id', '=', account.id)
      .executeTakeFirstOrThrow();
    return { country: res.json().country as string | null, ipHash: row.ip_hash };
  }

  it('takes the country from the platform header', async () => {
    expect((await onboardWith({ 'x-vercel-ip-country': 'fr' })).country).toBe('FR');
    expect((await onboardWith({ 'cf-ipcountry': 'DE' })).country).toBe('DE');
  });

  it('takes the client address from X-Forwarded-For', async () => {
    const { country, ipHash } = await onboardWith({ 'x-forwarded-for': '8.8.8.8, 10.0.0.2' });
    expect(country).toBe('US');
    expect(ipHash).toBe(createHmac('sha256', TEST_IP_HASH_SECRET).update('8.8.8.8').digest('hex'));
  });

  it('leaves the country null when nothing says it (unknown header, private address)', async () => {
    expect((await onboardWith({ 'cf-ipcountry': 'XX' })).country).toBeNull();
    expect(
      (await onboardWith({ 'cf-ipcountry': 'T1', 'x-forwarded-for': '192.168.1.5' })).country,
    ).toBeNull();
    expect((await onboardWith({ 'x-forwarded-for': 'garbage' })).country).toBeNull();
  });
});
