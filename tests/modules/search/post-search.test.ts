import { sql } from 'kysely';
import { describe, expect, it } from 'vitest';
import type { Post } from '../../../src/core/posts.schemas.js';
import { RELEVANCE_CANDIDATES } from '../../../src/modules/search/post-search.repository.js';
import { useTestApp } from '../../helpers/app.js';
import { addFilter } from '../../helpers/content.js';
import {
  createMedia,
  createPost,
  createUser,
  expectError,
  getOk,
  insertPost,
  type Page,
  type TestUser,
  walkPages,
} from '../../helpers/factories.js';

const base = Date.now() - 10 * 86_400_000;
const at = (minutes: number) => new Date(base + minutes * 60_000);

describe('GET /search/posts', () => {
  const t = useTestApp();

  const search = (q: string, extra = '', user?: TestUser): Promise<Page<Post>> =>
    getOk(t, `/search/posts?q=${encodeURIComponent(q)}${extra}`, user?.token);
  const ids = async (q: string, extra = '', user?: TestUser) =>
    (await search(q, extra, user)).items.map((p) => p.id);

  it('matches words by stem, all of them, phrases in order, and leaves out excluded ones', async () => {
    const a = await createUser(t);
    const p1 = await insertPost(t, a.id, {
      content: 'Earning season starts, zyxwords',
      createdAt: at(1),
    });
    const p2 = await insertPost(t, a.id, {
      content: 'big earnings beat for zyxwords',
      createdAt: at(2),
    });
    const p3 = await insertPost(t, a.id, { content: 'zyxwords beat big', createdAt: at(3) });
    await insertPost(t, a.id, {
      content: 'earnings zyxwords gone',
      createdAt: at(4),
      deleted: true,
    });
    expect(await ids('earnings zyxwords')).toEqual([p2.id, p1.id]);
    expect(await ids('EARNING ZYXWORDS')).toEqual([p2.id, p1.id]);
    expect(await ids('earnest zyxwords')).toEqual([]);
    expect(await ids('zyxwords')).toEqual([p3.id, p2.id, p1.id]);
    expect(await ids('"big earnings" zyxwords')).toEqual([p2.id]);
    expect(await ids('"earnings big" zyxwords')).toEqual([]);
    expect(await ids('zyxwords -beat')).toEqual([p1.id]);
    expect(await ids('zyxwords -"beat big"')).toEqual([p2.id, p1.id]);
    // stop words only: nothing to match, nothing found
    expect(await ids('the')).toEqual([]);
  });

  it('reads the operators: tickers, mentions, author, sentiment, days, media, poll', async () => {
    const alice = await createUser(t, { username: `Opal_${Date.now() % 100000}` });
    const bob = await createUser(t);
    const media = await createMedia(t, alice.id);
    const withTicker = await createPost(t, alice, {
      content: 'opsearch long $OPSA and #opsb',
      sentiment: 'bullish',
    });
    const withMention = await createPost(t, bob, {
      content: `opsearch hi @${alice.username}`,
      sentiment: 'bearish',
    });
    const withMedia = await createPost(t, alice, { content: 'opsearch chart', media_ids: [media] });
    const withPoll = await createPost(t, bob, {
      content: 'opsearch vote',
      poll: { options: ['up', 'down'] },
    });
    const old = await insertPost(t, bob.id, {
      content: 'opsearch $OPSA old',
      tickers: ['OPSA'],
      createdAt: new Date('2026-01-15T23:59:59.999Z'),
    });
    const older = await insertPost(t, bob.id, {
      content: 'opsearch older',
      createdAt: new Date('2026-01-14T12:00:00.000Z'),
    });
    // a $ in the text that the ticker rule does not take: not a mention of OPSA
    await createPost(t, bob, { content: 'opsearch x$OPSA' });

    expect(await ids('opsearch $OPSA')).toEqual([withTicker.id, old.id]);
    expect(await ids('opsearch #opsa $opsb')).toEqual([withTicker.id]);
    expect(await ids('$opsa')).toEqual([withTicker.id, old.id]);
    expect(await ids(`@${alice.username.toUpperCase()}`)).toEqual([withMention.id]);
    expect(await ids(`opsearch from:${alice.username.toLowerCase()}`)).toEqual([
      withMedia.id,
      withTicker.id,
    ]);
    expect(await ids(`opsearch from:@${alice.username}`)).toEqual([withMedia.id, withTicker.id]);
    expect(await ids('opsearch from:nobody_here_at_all')).toEqual([]);
    expect(await ids('opsearch sentiment:bullish')).toEqual([withTicker.id]);
    expect(await ids('opsearch sentiment:bearish')).toEqual([withMention.id]);
    expect(await ids('opsearch has:media')).toEqual([withMedia.id]);
    expect(await ids('opsearch has:poll')).toEqual([withPoll.id]);
    expect(await ids('has:poll has:media opsearch')).toEqual([]);
    expect(await ids('opsearch until:2026-01-15')).toEqual([old.id, older.id]);
    expect(await ids('opsearch since:2026-01-15 until:2026-01-15')).toEqual([old.id]);
    expect(await ids('opsearch until:2026-01-14')).toEqual([older.id]);
    expect((await ids('opsearch since:2026-01-16')).length).toBe(5);
    // operators alone, without words
    expect(await ids(`from:${alice.username} has:media`)).toEqual([withMedia.id]);
  });

  it('leaves out muted and blocked authors, and those who blocked the viewer', async () => {
    const viewer = await createUser(t);
    const [plain, muted, blocked, blocker] = [
      await createUser(t),
      await createUser(t),
      await createUser(t),
      await createUser(t),
    ];
    await addFilter(t, viewer, muted, 'mute');
    await addFilter(t, viewer, blocked, 'block');
    await addFilter(t, blocker, viewer, 'block');
    const posts: Record<string, string> = {};
    for (const [name, u] of Object.entries({ plain, muted, blocked, blocker })) {
      posts[name] = (await insertPost(t, u.id, { content: `filtersearch by ${name}` })).id;
    }
    for (const sort of ['recent', 'relevance']) {
      expect(await ids('filtersearch', `&sort=${sort}`, viewer)).toEqual([posts.plain]);
      expect((await ids('filtersearch', `&sort=${sort}`)).length).toBe(4);
    }
  });

  it("leaves out suspended authors and posts holding the viewer's muted words", async () => {
    const viewer = await createUser(t);
    const [a, b] = [await createUser(t), await createUser(t)];
    const admin = await createUser(t, { admin: true });
    const kept = await insertPost(t, a.id, { content: 'mutesearch plain' });
    const noisy = await insertPost(t, a.id, { content: 'mutesearch to the moon' });
    const byB = await insertPost(t, b.id, { content: 'mutesearch by b' });
    const mute = await t.request({
      method: 'POST',
      url: '/users/me/muted-words',
      token: viewer.token,
      payload: { word: 'moon' },
    });
    expect(mute.statusCode, mute.body).toBe(201);
    expect(await ids('mutesearch', '', viewer)).toEqual([byB.id, kept.id]);
    expect(await ids('mutesearch')).toEqual([byB.id, noisy.id, kept.id]);
    const suspend = await t.request({
      method: 'POST',
      url: `/admin/users/${b.id}/suspend`,
      token: admin.token,
      payload: { reason: 'spam' },
    });
    expect(suspend.statusCode, suspend.body).toBe(200);
    for (const sort of ['recent', 'relevance']) {
      expect(await ids('mutesearch', `&sort=${sort}`, viewer)).toEqual([kept.id]);
      expect(await ids('mutesearch', `&sort=${sort}`)).toEqual([noisy.id, kept.id]);
    }
  });

  it('pages newest first with a stable cursor while posts arrive', async () => {
    const a = await createUser(t);
    for (let i = 0; i < 9; i++) {
      await insertPost(t, a.id, {
        content: `pagesearch ${i}`,
        createdAt: i < 3 ? at(50) : at(50 + i),
      });
    }
    const snapshot = await ids('pagesearch', '&limit=100');
    expect(snapshot).toHaveLength(9);
    const { items, pages } = await walkPages(
      (cursor) => search('pagesearch', `&limit=2${cursor ? `&cursor=${cursor}` : ''}`),
      (n) => createPost(t, a, `pagesearch new ${n}`),
    );
    expect(pages).toBe(5);
    expect(items.map((p) => p.id)).toEqual(snapshot);
  });

  it('ranks by relevance, then newest first, with a stable cursor', async () => {
    const a = await createUser(t);
    const once = [];
    for (let i = 0; i < 4; i++) {
      once.push(
        (
          await insertPost(t, a.id, {
            content: `ranksearch plain post ${i}`,
            createdAt: at(100 + i),
          })
        ).id,
      );
    }
    const thrice = await insertPost(t, a.id, {
      content: 'ranksearch ranksearch ranksearch',
      createdAt: at(90),
    });
    const twice = await insertPost(t, a.id, {
      content: 'ranksearch, ranksearch!',
      createdAt: at(80),
    });
    const expected = [thrice.id, twice.id, ...once.reverse()];
    expect(await ids('ranksearch', '&sort=relevance')).toEqual(expected);
    expect((await ids('ranksearch'))[0]).toBe(once[0]);

    const { items, pages } = await walkPages(
      (cursor) =>
        search('ranksearch', `&sort=relevance&limit=2${cursor ? `&cursor=${cursor}` : ''}`),
      (n) => createPost(t, a, `ranksearch late ${n}`),
    );
    expect(pages).toBe(3);
    expect(items.map((p) => p.id)).toEqual(expected);

    // a cursor of one sort is refused by the other, and a tampered one by both
    const recent = await search('ranksearch', '&limit=1');
    const ranked = await search('ranksearch', '&limit=1&sort=relevance');
    const get = (extra: string) =>
      t.request({ method: 'GET', url: `/search/posts?q=ranksearch${extra}` });
    expectError(await get(`&sort=relevance&cursor=${recent.next_cursor}`), 422, 'validation_error');
    expectError(await get(`&cursor=${ranked.next_cursor}`), 422, 'validation_error');
    const forged = Buffer.from(
      JSON.stringify(['1; drop table posts', new Date().toISOString(), once[0], null]),
    ).toString('base64url');
    expectError(await get(`&sort=relevance&cursor=${forged}`), 422, 'validation_error');
    expectError(await get('&sort=relevance&cursor=abc'), 422, 'validation_error');
    expectError(await get('&sort=best'), 422, 'validation_error');
  });

  it('ranks the newest matches only, and its cursor keeps that set while posts arrive', async () => {
    const a = await createUser(t);
    const n = RELEVANCE_CANDIDATES + 5;
    // the 5 oldest match worst (the word once, the others twice): ranking every match would
    // put them last, but they are not among the newest candidates
    await sql`
      insert into posts (author_id, content, created_at)
      select ${a.id}::uuid,
        case when i <= 5 then 'boundsearch ' || i else 'boundsearch boundsearch ' || i end,
        ${at(1000)}::timestamptz + i * interval '1 second'
      from generate_series(1, ${n}::integer) i`.execute(t.db);
    const oldest = await t.db
      .selectFrom('posts')
      .select('id')
      .where('author_id', '=', a.id)
      .orderBy('created_at')
      .limit(5)
      .execute();
    const seen: string[] = [];
    const { items, pages } = await walkPages(
      (cursor) =>
        search('boundsearch', `&sort=relevance&limit=90${cursor ? `&cursor=${cursor}` : ''}`),
      (i) => createPost(t, a, `boundsearch boundsearch late ${i}`),
    );
    for (const p of items) seen.push(p.id);
    expect(new Set(seen).size).toBe(seen.length);
    // the candidates, and maybe some of the posts that arrived while paging
    expect(seen.length).toBeGreaterThanOrEqual(RELEVANCE_CANDIDATES);
    expect(seen.length).toBeLessThanOrEqual(RELEVANCE_CANDIDATES + pages - 1);
    for (const o of oldest) expect(seen).not.toContain(o.id);
    // newest first, it is every match
    const recent = await walkPages((cursor) =>
      search('boundsearch', `&limit=100${cursor ? `&cursor=${cursor}` : ''}`),
    );
    expect(recent.items.length).toBe(n + pages - 1);
  });

  it('never answers a 500 to hostile input: each query is a 200 or a clear 422', async () => {
    const a = await createUser(t);
    await insertPost(t, a.id, { content: "hostile & | ! ( ) : * \\ ' \" <-> $TSLA don't" });
    const hostile = [
      '&',
      '|',
      '!',
      '(',
      ')',
      ':',
      '*',
      '\\',
      "'",
      '"',
      '""',
      '"""',
      "''",
      '&|!():*\\',
      'a & b',
      'a | b',
      '!a',
      '(a',
      'a)',
      'a:*',
      'a:',
      ':a',
      'a <-> b',
      'a <2> b',
      "it's",
      "'; drop table posts; --",
      '\\"hostile\\"',
      '-',
      '--',
      '- -',
      '-"',
      '-""',
      '$',
      '#',
      '@',
      '$$TSLA',
      '#!',
      'from:',
      'from:""',
      'since:',
      'since:9999-99-99',
      'until:0000-00-00',
      'has:',
      'sentiment:',
      ':::::',
      '"hostile',
      'hostile"',
      '-hostile -&',
      '日本語 テスト',
      '🚀🚀🚀',
      'a'.repeat(200),
      `"${'b '.repeat(99)}"`,
      '&|!():*\\'.repeat(25),
      '-'.repeat(200),
      '"'.repeat(200),
      `${'$TSLA '.repeat(33)}ab`,
      `${'from:'.repeat(40)}`,
      'x'.repeat(3000).slice(0, 200),
    ];
    for (const q of hostile) {
      for (const sort of ['recent', 'relevance']) {
        const res = await t.request({
          method: 'GET',
          url: `/search/posts?q=${encodeURIComponent(q)}&sort=${sort}`,
        });
        expect([200, 422], `${q} (${sort}): ${res.body}`).toContain(res.statusCode);
        if (res.statusCode === 422) expectError(res, 422, 'validation_error');
      }
    }
    expect(await ids('hostile & | !')).toHaveLength(1);
    // a word of only tsquery syntax is no word: the query finds by its other words
    expect(await ids('hostile (:*)')).toHaveLength(1);
  });

  it('takes 1-200 characters after trimming', async () => {
    const get = (q: string) =>
      t.request({ method: 'GET', url: `/search/posts?q=${encodeURIComponent(q)}` });
    expect((await get(`  ${'c'.repeat(200)}  `)).statusCode).toBe(200);
    expectError(await get('c'.repeat(201)), 422, 'validation_error');
    expectError(await get('   '), 422, 'validation_error');
    expectError(await get(''), 422, 'validation_error');
    expectError(await get('a\u0000b'), 422, 'validation_error');
    expectError(await t.request({ method: 'GET', url: '/search/posts' }), 422, 'validation_error');
    expectError(
      await t.request({ method: 'GET', url: '/search/posts?q=a&limit=0' }),
      422,
      'validation_error',
    );
    const bad = expectError(await get('earnings sentiment:meh'), 422, 'validation_error');
    expect(bad.message).toMatch(/sentiment:/);
  });
});
