import { beforeAll, describe, expect, it } from 'vitest';
import { useTestApp } from '../../helpers/app.js';
import { createUser, expectError, getOk, type TestUser } from '../../helpers/factories.js';

interface Results {
  users: { id: string; username: string }[];
  tickers: { symbol: string; name: string | null; post_count: number }[];
}

describe('search', () => {
  const t = useTestApp();
  const u: Record<string, TestUser> = {};

  beforeAll(async () => {
    for (const [key, username, displayName] of [
      ['exact', 'quokka', 'Quentin Okafor'],
      ['prefix', 'quokka_fan', 'Fan Account'],
      ['prefix2', 'quokkaland', 'Land Of Quokkas'],
      ['similar', 'xquokka', 'Someone Else'],
      ['zebra', 'zebra', 'Zed'],
      ['warren', 'oracle_of_omaha', 'Warren Buffett'],
      ['underscore', 'abc_def1', 'Under Score'],
      ['lookalike', 'abcxdef2', 'No Underscore'],
    ] as const) {
      u[key] = await createUser(t, { username, displayName });
    }
    await t.db
      .updateTable('users')
      .set({ followers_count: 50 })
      .where('id', '=', u.prefix2!.id)
      .execute();
    await t.db
      .insertInto('tickers')
      .values([
        { symbol: 'QUOK', name: 'Quokka Holdings', post_count: 3 },
        { symbol: 'QUOKA', name: null, post_count: 9 },
        { symbol: 'ZZZZ', name: 'Quokka Foods', post_count: 1 },
      ])
      .execute();
    // QQQ is one of the known tickers the migrations name (Invesco QQQ Trust)
    await t.db
      .updateTable('tickers')
      .set({ post_count: 100 })
      .where('symbol', '=', 'QQQ')
      .execute();
  });

  const search = (query: string, token?: string) => getOk<Results>(t, `/search?${query}`, token);
  const q = (value: string) => `q=${encodeURIComponent(value)}`;
  const names = (r: Results) => r.users.map((x) => x.username);

  it('ranks the exact match first, then prefixes (most followed first), then similar', async () => {
    const r = await search(q('quokka'));
    expect(names(r)).toEqual(['quokka', 'quokkaland', 'quokka_fan', 'xquokka']);
    expect(r.users[0]).toEqual({
      id: u.exact!.id,
      username: 'quokka',
      display_name: 'Quentin Okafor',
      profile_picture_url: null,
    });
    // exact ignoring case
    expect(names(await search(q('QUOKKA')))[0]).toBe('quokka');
  });

  it('finds a username of five letters despite a one-letter typo', async () => {
    for (const typo of ['zebta', 'zbra', 'zebrra', 'xebra']) {
      expect(names(await search(q(typo)))).toContain('zebra');
    }
  });

  it('finds a well-known ticker by its company name', async () => {
    expect((await search(q('nvidia'))).tickers.map((x) => x.symbol)).toEqual(['NVDA']);
  });

  it('searches display names too', async () => {
    expect(names(await search(q('warren')))).toEqual(['oracle_of_omaha']);
    expect(names(await search(q('Warren Buffet')))).toEqual(['oracle_of_omaha']);
  });

  it('matches one or two characters by exact and prefix only', async () => {
    const r = await search(q('qu'));
    expect(new Set(names(r))).toEqual(new Set(['quokka', 'quokka_fan', 'quokkaland']));
    // symbol or name prefixes, most mentioned first (QCOM by its name, QUALCOMM: migration 0010)
    expect(r.tickers.map((x) => x.symbol)).toEqual(['QUOKA', 'QUOK', 'ZZZZ', 'QCOM']);
    expect(names(await search(q('z')))).toEqual(['zebra']);
  });

  it('ranks tickers: exact symbol, then prefixes of symbol or name, then similar', async () => {
    const r = await search(`${q('quok')}&type=tickers`);
    expect(r.users).toEqual([]);
    expect(r.tickers).toEqual([
      { symbol: 'QUOK', name: 'Quokka Holdings', post_count: 3 },
      { symbol: 'QUOKA', name: null, post_count: 9 },
      { symbol: 'ZZZZ', name: 'Quokka Foods', post_count: 1 },
    ]);
    expect((await search(q('invesco'))).tickers.map((x) => x.symbol)).toEqual(['QQQ']);
  });

  it('narrows the kind with type, $, # and @', async () => {
    const users = await search(`${q('quokka')}&type=users`);
    expect(users.tickers).toEqual([]);
    expect(users.users.length).toBeGreaterThan(0);
    const both = await search(q('quok'));
    expect(both.users.length).toBeGreaterThan(0);
    expect(both.tickers.length).toBeGreaterThan(0);
    for (const marker of ['$', '#']) {
      const r = await search(q(`${marker}QUOK`));
      expect(r.users).toEqual([]);
      expect(r.tickers[0]?.symbol).toBe('QUOK');
    }
    const at = await search(q('@quokka'));
    expect(at.tickers).toEqual([]);
    expect(names(at)[0]).toBe('quokka');
    // a marker narrows type, never widens it
    expect(await search(`${q('@quokka')}&type=tickers`)).toEqual({ users: [], tickers: [] });
  });

  it('honours limit for each kind', async () => {
    const r = await search(`${q('quokka')}&limit=2`);
    expect(names(r)).toEqual(['quokka', 'quokkaland']);
    expect(r.tickers.length).toBeLessThanOrEqual(2);
    expect((await search(`${q('quokka')}&limit=50`)).users).toHaveLength(4);
  });

  it('leaves out users the viewer muted or blocked, who blocked the viewer, and deleted ones', async () => {
    const viewer = await createUser(t);
    const [muted, blocked, blocker, gone] = await Promise.all(
      ['wombat_muted', 'wombat_blocked', 'wombat_blocker', 'wombat_gone'].map((username) =>
        createUser(t, { username }),
      ),
    );
    const visible = await createUser(t, { username: 'wombat_visible' });
    await t.request({ method: 'POST', url: `/users/${muted!.id}/mute`, token: viewer.token });
    await t.request({ method: 'POST', url: `/users/${blocked!.id}/block`, token: viewer.token });
    await t.request({ method: 'POST', url: `/users/${viewer.id}/block`, token: blocker!.token });
    await t.db
      .updateTable('users')
      .set({ deleted_at: new Date() })
      .where('id', '=', gone!.id)
      .execute();
    for (const term of ['wombat', 'wombat_', 'wombaat', 'wo']) {
      expect(names(await search(q(term), viewer.token))).toEqual([visible.username]);
      expect(new Set(names(await search(q(term))))).toEqual(
        new Set(['wombat_muted', 'wombat_blocked', 'wombat_blocker', 'wombat_visible']),
      );
    }
  });

  it('matches LIKE wildcards in the query literally', async () => {
    // two characters: prefixes only, so nothing but a literal "a_" could match
    expect(names(await search(q('a_')))).toEqual([]);
    expect(names(await search(q('_')))).toEqual([]);
    expect(new Set(names(await search(q('ab'))))).toEqual(new Set(['abc_def1', 'abcxdef2']));
    // longer: the prefix match comes first, the lookalike only as a similar string
    expect(names(await search(q('abc_d')))[0]).toBe('abc_def1');
    expect(await search(q('%'))).toEqual({ users: [], tickers: [] });
    expect((await search(q('%%%'))).users).toEqual([]);
    expect((await search(q('\\'))).users).toEqual([]);
    expect((await search(q('a\\_'))).users).toEqual([]);
  });

  it('answers SQL and script payloads normally', async () => {
    const countUsers = async () =>
      (
        await t.db
          .selectFrom('users')
          .select((eb) => eb.fn.countAll<number>().as('n'))
          .executeTakeFirstOrThrow()
      ).n;
    const before = await countUsers();
    expect(before).toBeGreaterThan(1);
    for (const payload of [
      "'; drop table users; --",
      "quokka' or '1'='1",
      '<script>alert(1)</script>',
      '$(rm -rf /)',
      '@"; select pg_sleep(10); --',
      '😀 emoji 𝕏',
    ]) {
      const res = await t.request({ method: 'GET', url: `/search?${q(payload)}` });
      expect(res.statusCode).toBe(200);
      expect(res.headers['content-type']).toContain('application/json');
      const body = res.json() as Results;
      if (payload.startsWith('quokka')) {
        // searched as text: the quokka lookalikes, not everyone as "or '1'='1" would give
        expect(body.users.length).toBeGreaterThan(0);
        expect(body.users.length).toBeLessThan(before);
        expect(body.users.every((u) => u.username.includes('quokka'))).toBe(true);
      } else {
        // no other payload names a user or a ticker here
        expect(body).toEqual({ users: [], tickers: [] });
      }
    }
    expect(await countUsers()).toBe(before);
  });

  it('refuses a bad q, type or limit with 422', async () => {
    for (const query of [
      '',
      'q=',
      q('   '),
      q('x'.repeat(101)),
      q('$'),
      q(' @ '),
      q('bad\u0001char'),
      `${q('ok')}&type=posts`,
      `${q('ok')}&limit=0`,
      `${q('ok')}&limit=51`,
      `${q('ok')}&limit=101`,
      `${q('ok')}&limit=ten`,
    ]) {
      const res = await t.request({ method: 'GET', url: `/search?${query}` });
      expectError(res, 422, 'validation_error');
    }
    // 100 characters after trimming are fine
    expect((await search(q(` ${'y'.repeat(100)} `))).users).toEqual([]);
  });
});

describe('search of a common prefix', () => {
  const t = useTestApp();

  it('ranks the exact match first, then the most followed of hundreds of prefix matches', async () => {
    const viewer = await createUser(t);
    const exact = await createUser(t, { username: 'wombat', displayName: 'Wombat' });
    // more prefix matches than search.repository's PREFIX_CANDIDATES, so it walks by followers
    const rows = Array.from({ length: 260 }, (_, i) => ({
      id: crypto.randomUUID(),
      username: `wombat_${String(i).padStart(3, '0')}`,
      display_name: `Wombat ${i}`,
      timezone: 'UTC',
      followers_count: i,
    }));
    await t.db.insertInto('users').values(rows).execute();
    const muted = rows.at(-1)!; // the most followed
    await t.db
      .insertInto('content_filters')
      .values({ user_id: viewer.id, target_id: muted.id, type: 'mute' })
      .execute();

    const res = await t.request({
      method: 'GET',
      url: '/search?q=wombat&type=users&limit=5',
      token: viewer.token,
    });
    expect(res.statusCode).toBe(200);
    expect((res.json() as Results).users.map((user) => user.username)).toEqual([
      exact.username,
      'wombat_258',
      'wombat_257',
      'wombat_256',
      'wombat_255',
    ]);
    const anonymous = await t.request({
      method: 'GET',
      url: '/search?q=WOMBAT_&type=users&limit=2',
    });
    expect((anonymous.json() as Results).users.map((user) => user.username)).toEqual([
      'wombat_259',
      'wombat_258',
    ]);
  });
});
