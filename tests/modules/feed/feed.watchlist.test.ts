import { describe, expect, it } from 'vitest';
import type { Post } from '../../../src/core/posts.schemas.js';
import { getFeed } from '../../../src/modules/feed/feed.service.js';
import { useTestApp } from '../../helpers/app.js';
import { addFilter, countingDb } from '../../helpers/content.js';
import {
  createAccount,
  createPost,
  createUser,
  expectError,
  getOk,
  insertPost,
  type Page,
  type TestUser,
  walkPages,
} from '../../helpers/factories.js';

const base = Date.now() - 3_600_000;
const at = (n: number) => new Date(base + n * 1000);

describe('GET /feed?type=watchlist', () => {
  const t = useTestApp();

  const feed = (user: TestUser, query = ''): Promise<Page<Post>> =>
    getOk(t, `/feed?type=watchlist${query}`, user.token);
  const watch = async (user: TestUser, ...symbols: string[]) => {
    for (const s of symbols) {
      const res = await t.request({
        method: 'PUT',
        url: `/users/me/watchlist/${s}`,
        token: user.token,
      });
      expect(res.statusCode, res.body).toBe(200);
    }
  };

  it('lists live posts that mention a watched ticker, newest first, each once, filtered as the other feeds', async () => {
    const viewer = await createUser(t);
    const [a, muted, blocked, blocker] = [
      await createUser(t),
      await createUser(t),
      await createUser(t),
      await createUser(t),
    ];
    await addFilter(t, viewer, muted, 'mute');
    await addFilter(t, viewer, blocked, 'block');
    await addFilter(t, blocker, viewer, 'block');
    await watch(viewer, 'WLA', '$wlb');

    const p1 = await insertPost(t, a.id, { tickers: ['WLA'], createdAt: at(1) });
    const p2 = await insertPost(t, a.id, { tickers: ['WLB', 'WLA'], createdAt: at(2) });
    await insertPost(t, a.id, { tickers: ['WLC'], createdAt: at(3) }); // not watched
    await insertPost(t, a.id, { tickers: ['WLA'], createdAt: at(4), deleted: true });
    await insertPost(t, muted.id, { tickers: ['WLA'], createdAt: at(5) });
    await insertPost(t, blocked.id, { tickers: ['WLB'], createdAt: at(6) });
    await insertPost(t, blocker.id, { tickers: ['WLB'], createdAt: at(7) });
    await insertPost(t, a.id, { content: 'no tickers', createdAt: at(8) });
    const p9 = await createPost(t, a, 'breaking out #wlb');

    const page = await feed(viewer);
    expect(page.items.map((p) => p.id)).toEqual([p9.id, p2.id, p1.id]);
    expect(page.next_cursor).toBeNull();
    expect(page.items[1]?.tickers).toEqual(['WLB', 'WLA']);
    // a post deleted through the API leaves at once
    const del = await t.request({ method: 'DELETE', url: `/posts/${p9.id}`, token: a.token });
    expect(del.statusCode).toBe(204);
    expect((await feed(viewer)).items.map((p) => p.id)).toEqual([p2.id, p1.id]);
    // offset pages too
    expect((await feed(viewer, '&offset=1&limit=1')).items.map((p) => p.id)).toEqual([p1.id]);
    // a suspended author's posts leave it
    const admin = await createUser(t, { admin: true });
    const suspend = await t.request({
      method: 'POST',
      url: `/admin/users/${a.id}/suspend`,
      token: admin.token,
      payload: { reason: 'spam' },
    });
    expect(suspend.statusCode, suspend.body).toBe(200);
    expect((await feed(viewer)).items).toEqual([]);
    // an empty watchlist: an empty feed
    expect(await feed(await createUser(t))).toEqual({ items: [], next_cursor: null });
  });

  it('pages with cursor while posts arrive, repeating and skipping nothing, one statement a page', async () => {
    const viewer = await createUser(t);
    const author = await createUser(t);
    await watch(viewer, 'PGA', 'PGB', 'PGC');
    const tie = at(100);
    for (let i = 0; i < 12; i++) {
      const tickers = [['PGA'], ['PGB'], ['PGA', 'PGC'], ['PGC', 'PGB']][i % 4]!;
      await insertPost(t, author.id, { tickers, createdAt: i < 4 ? tie : at(100 + i) });
    }
    const snapshot = (await feed(viewer, '&limit=100')).items.map((p) => p.id);
    expect(snapshot).toHaveLength(12);
    const { items, pages } = await walkPages(
      (cursor) => feed(viewer, `&limit=5${cursor ? `&cursor=${cursor}` : ''}`),
      (n) => createPost(t, author, `more $PGA ${n}`),
    );
    expect(pages).toBe(3);
    expect(items.map((p) => p.id)).toEqual(snapshot);

    const { db, counter } = countingDb(t.db);
    await getFeed(db, { type: 'watchlist', limit: 20 }, viewer.id);
    expect(counter.count).toBe(1);
  });

  it('needs a user: 401 without a token, 403 before onboarding; bad cursor 422', async () => {
    expectError(
      await t.request({ method: 'GET', url: '/feed?type=watchlist' }),
      401,
      'unauthorized',
    );
    const account = await createAccount(t);
    expectError(
      await t.request({ method: 'GET', url: '/feed?type=watchlist', token: account.token }),
      403,
      'onboarding_required',
    );
    const viewer = await createUser(t);
    expectError(
      await t.request({
        method: 'GET',
        url: '/feed?type=watchlist&cursor=abc',
        token: viewer.token,
      }),
      422,
      'validation_error',
    );
    expectError(
      await t.request({ method: 'GET', url: '/feed?type=watchlists', token: viewer.token }),
      422,
      'validation_error',
    );
  });
});
