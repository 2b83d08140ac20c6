import { beforeAll, describe, expect, it } from 'vitest';
import type { Post } from '../../../src/core/posts.schemas.js';
import { getFeed } from '../../../src/modules/feed/feed.service.js';
import { useTestApp } from '../../helpers/app.js';
import { addFilter, countingDb } from '../../helpers/content.js';
import {
  createPost,
  createUser,
  expectError,
  getOk,
  insertPost,
  insertRepost,
  type Page,
  type TestUser,
  walkPages,
} from '../../helpers/factories.js';

type PageBody = Page<Post>;

describe('GET /feed (type=all)', () => {
  const t = useTestApp();

  const get = (url: string, user?: TestUser): Promise<PageBody> => getOk(t, url, user?.token);

  /** Every live post id, newest first, as the database orders them, minus some authors. */
  async function liveIds(without: string[] = []): Promise<string[]> {
    const rows = await t.db
      .selectFrom('posts')
      .select('id')
      .where('deleted_at', 'is', null)
      .$if(without.length > 0, (qb) => qb.where('author_id', 'not in', without))
      .orderBy('created_at', 'desc')
      .orderBy('id', 'desc')
      .execute();
    return rows.map((r) => r.id);
  }

  let author: TestUser;
  beforeAll(async () => {
    author = await createUser(t);
    const other = await createUser(t);
    for (let i = 0; i < 10; i++) await createPost(t, i % 3 ? author : other, `post ${i} $AMD`);
    await insertPost(t, author.id, { deleted: true });
    // same millisecond: the id breaks the tie
    const tie = new Date(Date.now() - 60_000);
    for (let i = 0; i < 4; i++) await insertPost(t, other.id, { createdAt: tie });
  });

  it('is every live post, newest first, for anyone; `type` defaults to all', async () => {
    const expected = await liveIds();
    const page = await get('/feed?limit=100');
    expect(page.items.map((p) => p.id)).toEqual(expected);
    expect(page.next_cursor).toBeNull();
    expect(await get('/feed?type=all&limit=100')).toEqual(page);
  });

  it('shows a reposted post once, as itself', async () => {
    const fan = await createUser(t);
    const post = await insertPost(t, author.id, { createdAt: new Date(Date.now() - 120_000) });
    await insertRepost(t, fan.id, post.id);
    await insertRepost(t, author.id, post.id);
    const items = (await get('/feed?limit=100', fan)).items;
    const shown = items.filter((p) => p.id === post.id);
    expect(shown).toHaveLength(1);
    expect(shown[0]).not.toHaveProperty('reposted_by');
    expect(shown[0]?.viewer.reposted).toBe(true);
    expect(items.map((p) => p.id)).toEqual(await liveIds());
  });

  it('leaves out the muted, the blocked and those who blocked the viewer', async () => {
    const viewer = await createUser(t);
    const [muted, blocked, blocker] = [
      await createUser(t),
      await createUser(t),
      await createUser(t),
    ];
    for (const u of [muted, blocked, blocker]) await createPost(t, u, 'hidden');
    await addFilter(t, viewer, muted, 'mute');
    await addFilter(t, viewer, blocked, 'block');
    await addFilter(t, blocker, viewer, 'block');
    const seen = (await get('/feed?limit=100', viewer)).items.map((p) => p.id);
    expect(seen).toEqual(await liveIds([muted.id, blocked.id, blocker.id]));
    // the blocker sees the viewer's posts? no: a block hides both ways
    const viewerPost = await createPost(t, viewer, 'mine');
    const blockerSees = (await get('/feed?limit=100', blocker)).items.map((p) => p.id);
    expect(blockerSees).not.toContain(viewerPost.id);
    expect((await get('/feed?limit=100', muted)).items.map((p) => p.id)).toContain(viewerPost.id);
  });

  it('walks every post once with cursor while new posts arrive, and pages by offset', async () => {
    const expected = await liveIds();
    const first = await get('/feed?limit=4');
    const { items, pages } = await walkPages(
      async (cursor) => (cursor ? get(`/feed?limit=4&cursor=${cursor}`) : first),
      (n) => createPost(t, author, `arriving ${n}`),
    );
    expect(pages).toBeGreaterThan(3);
    expect(items.map((p) => p.id)).toEqual(expected);

    const now = await liveIds();
    const byOffset = [
      ...(await get('/feed?limit=5&offset=0')).items,
      ...(await get('/feed?limit=5&offset=5')).items,
    ];
    expect(byOffset.map((p) => p.id)).toEqual(now.slice(0, 10));
    const afterCursor = await get(`/feed?limit=3&offset=2&cursor=${first.next_cursor}`);
    const start = now.indexOf(first.items.at(-1)!.id) + 1;
    expect(afterCursor.items.map((p) => p.id)).toEqual(now.slice(start + 2, start + 5));
    expect(await get('/feed?offset=10000')).toEqual({ items: [], next_cursor: null });
  });

  it('refuses unknown types, bad limits and offsets, tampered cursors with 422', async () => {
    const valid = (await get('/feed?limit=1')).next_cursor!;
    for (const query of [
      'type=',
      'type=trending',
      'type=all&type=following',
      'limit=0',
      'limit=101',
      'limit=1.5',
      'offset=-1',
      'offset=10001',
      'cursor=garbage',
      `cursor=${valid.slice(0, -3)}`,
      `cursor=${Buffer.from('["9999-99-99T99:99:99.999Z","6f1c2b9e-1d7a-4c55-9a3e-2b8f0c4d5e6f"]').toString('base64url')}`,
      `cursor=${'a'.repeat(513)}`,
    ]) {
      expectError(
        await t.request({ method: 'GET', url: `/feed?${query}` }),
        422,
        'validation_error',
      );
    }
  });

  it('reads a page in one statement, quoted posts included', async () => {
    const { db, counter } = countingDb(t.db);
    const plain = (await getFeed(db, { type: 'all', limit: 1 }, author.id)).value();
    expect([plain.items.length, counter.count]).toEqual([1, 1]);
    const quoted = await createPost(t, author, 'quoted');
    await t.request({
      method: 'POST',
      url: `/posts/${quoted.id}/reposts`,
      token: author.token,
      payload: { quote: 'quoting' },
    });
    counter.reset();
    const twenty = (await getFeed(db, { type: 'all', limit: 20 }, author.id)).value();
    expect(twenty.items).toHaveLength(20);
    expect(twenty.items[0]?.quoted_post).toMatchObject({ id: quoted.id });
    expect(counter.count).toBe(1);
  });

  it('is in the OpenAPI document, with the bookmarks list and the ticker stream', async () => {
    const doc = (await t.request({ method: 'GET', url: '/openapi.json' })).json();
    const op = (path: string) => doc.paths[path].get;
    expect(op('/feed')).toMatchObject({ operationId: 'getFeed', tags: ['feed'] });
    expect(op('/feed').responses).toHaveProperty('200');
    expect(op('/feed').responses).toHaveProperty('401');
    expect(op('/bookmarks')).toMatchObject({
      operationId: 'listBookmarks',
      tags: ['bookmarks'],
      security: [{ bearerAuth: [] }],
    });
    expect(op('/tickers/{symbol}/posts')).toMatchObject({
      operationId: 'listTickerPosts',
      tags: ['tickers'],
    });
    for (const path of ['/feed', '/bookmarks', '/tickers/{symbol}/posts']) {
      expect(op(path).responses['200']).toBeDefined();
      expect(op(path).responses['422']).toBeDefined();
    }
  });
});
