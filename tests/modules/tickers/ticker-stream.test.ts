import { describe, expect, it } from 'vitest';
import type { Post } from '../../../src/core/posts.schemas.js';
import { getTickerPosts } from '../../../src/modules/tickers/tickers.service.js';
import { useTestApp } from '../../helpers/app.js';
import { addFilter, countingDb } from '../../helpers/content.js';
import {
  createPost,
  createUser,
  expectError,
  getOk,
  insertPost,
  type Page,
  type TestUser,
  walkPages,
} from '../../helpers/factories.js';

type PageBody = Page<Post>;

const minutesAgo = (n: number) => new Date(Date.now() - n * 60_000);

describe('GET /tickers/{symbol}/posts', () => {
  const t = useTestApp();

  const stream = (path: string, user?: TestUser): Promise<PageBody> =>
    getOk(t, `/tickers/${path}`, user?.token);

  it("lists the ticker's live posts, newest first, in any spelling of the symbol", async () => {
    const author = await createUser(t);
    const expected: string[] = [];
    for (let i = 0; i < 5; i++) {
      const post = await insertPost(t, author.id, {
        tickers: i % 2 ? ['STRM', 'OTHR'] : ['STRM'],
        createdAt: minutesAgo(10 - i),
      });
      expected.unshift(post.id);
    }
    await insertPost(t, author.id, { tickers: ['OTHR'] });
    await insertPost(t, author.id, { tickers: ['STRM'], deleted: true });
    const viaApi = await createPost(t, author, 'going up $strm');
    expected.unshift(viaApi.id);

    for (const path of ['STRM/posts', 'strm/posts', '%24STRM/posts', '%23strm/posts']) {
      const page = await stream(path);
      expect(page.items.map((p) => p.id)).toEqual(expected);
      expect(page.next_cursor).toBeNull();
    }
    expect((await stream('STRM/posts')).items[2]?.tickers).toEqual(['STRM', 'OTHR']);
    // GET /posts?ticker= reads the same index; with an offset only the page is built
    const byOffset = await t.request({
      method: 'GET',
      url: '/posts?ticker=$strm&offset=2&limit=3',
    });
    expect(byOffset.json().items.map((p: Post) => p.id)).toEqual(expected.slice(2, 5));
  });

  it('pages with cursor while new posts arrive, repeating and skipping nothing', async () => {
    const author = await createUser(t);
    const tie = minutesAgo(30);
    for (let i = 0; i < 9; i++) {
      await insertPost(t, author.id, { tickers: ['WALK'], createdAt: i < 3 ? tie : minutesAgo(i) });
    }
    const snapshot = (await stream('WALK/posts?limit=100')).items.map((p) => p.id);
    expect(snapshot).toHaveLength(9);
    const { items, pages } = await walkPages(
      (cursor) => stream(`WALK/posts?limit=2${cursor ? `&cursor=${cursor}` : ''}`),
      (n) => createPost(t, author, `more $WALK ${n}`),
    );
    expect(pages).toBe(5);
    expect(items.map((p) => p.id)).toEqual(snapshot);
  });

  it('leaves out the muted, the blocked and those who blocked the viewer', async () => {
    const viewer = await createUser(t);
    const [plain, muted, blocked, blocker] = [
      await createUser(t),
      await createUser(t),
      await createUser(t),
      await createUser(t),
    ];
    const ids: Record<string, string> = {};
    for (const u of [plain, muted, blocked, blocker]) {
      ids[u.id] = (await insertPost(t, u.id, { tickers: ['MUTE'] })).id;
    }
    await addFilter(t, viewer, muted, 'mute');
    await addFilter(t, viewer, blocked, 'block');
    await addFilter(t, blocker, viewer, 'block');
    const seen = (await stream('MUTE/posts', viewer)).items.map((p) => p.id);
    expect(seen).toEqual([ids[plain.id]]);
    expect((await stream('MUTE/posts')).items).toHaveLength(4);
  });

  it('answers 404 for a ticker nobody mentioned and for a malformed symbol', async () => {
    const author = await createUser(t);
    await insertPost(t, author.id, { tickers: ['GONE'], deleted: true });
    // a ticker whose only post was deleted exists: an empty stream
    expect(await stream('GONE/posts')).toEqual({ items: [], next_cursor: null });
    for (const path of [
      'NOPE',
      'TOOLONG',
      'A1',
      '%27%20or%201%3D1',
      '%3Cscript%3E',
      '$',
      'trending',
    ]) {
      expectError(
        await t.request({ method: 'GET', url: `/tickers/${path}/posts` }),
        404,
        'not_found',
      );
    }
    for (const query of ['limit=0', 'limit=101', 'cursor=nope']) {
      expectError(
        await t.request({ method: 'GET', url: `/tickers/GONE/posts?${query}` }),
        422,
        'validation_error',
      );
    }
  });

  it('reads a page in the same number of queries for 1 post or 20', async () => {
    const author = await createUser(t);
    for (let i = 0; i < 20; i++) await insertPost(t, author.id, { tickers: ['CNT'] });
    await insertPost(t, author.id, { tickers: ['ONE'] });
    const { db, counter } = countingDb(t.db);
    const one = (await getTickerPosts(db, 'one', { limit: 20 }, author.id)).value();
    const forOne = counter.count;
    counter.reset();
    const twenty = (await getTickerPosts(db, '$cnt', { limit: 20 }, author.id)).value();
    expect([one.items.length, twenty.items.length]).toEqual([1, 20]);
    // the ticker's existence, then the page on its generic plan (`set local plan_cache_mode`
    // in the page's transaction: core/posts.list.ts)
    expect([forOne, counter.count]).toEqual([3, 3]);
  });
});
