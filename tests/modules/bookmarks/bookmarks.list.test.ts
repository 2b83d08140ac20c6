import { describe, expect, it } from 'vitest';
import type { Post } from '../../../src/core/posts.schemas.js';
import { listBookmarks } from '../../../src/modules/bookmarks/bookmarks.service.js';
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

type PageBody = Page<Post>;

const minutesAgo = (n: number) => new Date(Date.now() - n * 60_000);

describe('GET /bookmarks', () => {
  const t = useTestApp();

  const list = (user: TestUser, query = ''): Promise<PageBody> =>
    getOk(t, `/bookmarks${query}`, user.token);
  const ids = async (user: TestUser, query = '?limit=100') =>
    (await list(user, query)).items.map((p) => p.id);
  const bookmarkAt = (user: TestUser, postId: string, createdAt: Date) =>
    t.db
      .insertInto('bookmarks')
      .values({ user_id: user.id, post_id: postId, created_at: createdAt })
      .execute();
  const toggle = (user: TestUser, postId: string, on = true) =>
    t.request({
      method: on ? 'POST' : 'DELETE',
      url: `/posts/${postId}/bookmarks`,
      token: user.token,
    });

  it('lists own bookmarks, newest bookmark first, whatever the age of the post', async () => {
    const [author, reader, other] = [await createUser(t), await createUser(t), await createUser(t)];
    const old = await insertPost(t, author.id, { createdAt: minutesAgo(60) });
    const newer = await insertPost(t, author.id, { createdAt: minutesAgo(30) });
    const newest = await insertPost(t, author.id, { createdAt: minutesAgo(10) });
    await bookmarkAt(reader, newer.id, minutesAgo(9));
    await bookmarkAt(reader, old.id, minutesAgo(8));
    await bookmarkAt(reader, newest.id, minutesAgo(7));
    await bookmarkAt(other, old.id, minutesAgo(1));

    const page = await list(reader);
    expect(page.items.map((p) => p.id)).toEqual([newest.id, old.id, newer.id]);
    expect(page.next_cursor).toBeNull();
    expect(page.items.every((p) => p.viewer.bookmarked && p.author.id === author.id)).toBe(true);
    expect(await ids(other)).toEqual([old.id]);
    expect(await ids(author)).toEqual([]);

    // bookmarking again after removing puts the post on top
    expect((await toggle(reader, newer.id, false)).statusCode).toBe(200);
    expect(await ids(reader)).toEqual([newest.id, old.id]);
    expect((await toggle(reader, newer.id)).statusCode).toBe(200);
    expect(await ids(reader)).toEqual([newer.id, newest.id, old.id]);
  });

  it('leaves out deleted posts', async () => {
    const [author, reader] = [await createUser(t), await createUser(t)];
    const kept = await createPost(t, author, 'kept');
    const gone = await createPost(t, author, 'gone');
    await toggle(reader, kept.id);
    await toggle(reader, gone.id);
    expect(await ids(reader)).toEqual([gone.id, kept.id]);
    const res = await t.request({
      method: 'DELETE',
      url: `/posts/${gone.id}`,
      token: author.token,
    });
    expect(res.statusCode).toBe(204);
    expect(await ids(reader)).toEqual([kept.id]);
  });

  it('leaves out posts across a block either way, keeps those of muted users', async () => {
    const reader = await createUser(t);
    const [blocked, blocker, muted] = [
      await createUser(t),
      await createUser(t),
      await createUser(t),
    ];
    const posts = [];
    for (const [i, u] of [blocked, blocker, muted].entries()) {
      const post = await insertPost(t, u.id);
      await bookmarkAt(reader, post.id, minutesAgo(10 - i));
      posts.push(post.id);
    }
    await addFilter(t, reader, blocked, 'block');
    await addFilter(t, blocker, reader, 'block');
    await addFilter(t, reader, muted, 'mute');
    expect(await ids(reader)).toEqual([posts[2]]);
  });

  it('walks every bookmark once with cursor while new ones are added', async () => {
    const [author, reader] = [await createUser(t), await createUser(t)];
    const expected: string[] = [];
    const tie = minutesAgo(20);
    for (let i = 0; i < 11; i++) {
      const post = await insertPost(t, author.id);
      // three bookmarks share a millisecond: the post id breaks the tie
      await bookmarkAt(reader, post.id, i < 3 ? tie : minutesAgo(19 - i));
      expected.push(post.id);
    }
    const snapshot = await ids(reader);
    expect(new Set(snapshot)).toEqual(new Set(expected));

    const { items, pages } = await walkPages(
      (cursor) => list(reader, `?limit=3${cursor ? `&cursor=${cursor}` : ''}`),
      async () => toggle(reader, (await insertPost(t, author.id)).id),
    );
    expect(pages).toBe(4);
    expect(items.map((p) => p.id)).toEqual(snapshot);
  });

  it('reads a page in the same number of queries for 1 post or 20', async () => {
    const [author, reader] = [await createUser(t), await createUser(t)];
    const quoted = await createPost(t, author, 'quoted');
    for (let i = 0; i < 20; i++) {
      const post =
        i === 0
          ? (
              await t.request({
                method: 'POST',
                url: `/posts/${quoted.id}/reposts`,
                token: author.token,
                payload: { quote: 'a quote' },
              })
            ).json().post
          : await insertPost(t, author.id, { tickers: ['MSFT'] });
      await bookmarkAt(reader, post.id, minutesAgo(i));
    }
    const { db, counter } = countingDb(t.db);
    const one = (await listBookmarks(db, reader.id, { limit: 1 })).value();
    const forOne = counter.count;
    counter.reset();
    const twenty = (await listBookmarks(db, reader.id, { limit: 20 })).value();
    expect([one.items.length, twenty.items.length]).toEqual([1, 20]);
    expect(one.items[0]?.quoted_post).toMatchObject({ id: quoted.id });
    expect([forOne, counter.count]).toEqual([1, 1]);
  });

  it('needs a user with a profile, and refuses bad limits and cursors', async () => {
    expectError(await t.request({ method: 'GET', url: '/bookmarks' }), 401, 'unauthorized');
    const account = await createAccount(t);
    expectError(
      await t.request({ method: 'GET', url: '/bookmarks', token: account.token }),
      403,
      'onboarding_required',
    );
    const reader = await createUser(t);
    for (const query of [
      'limit=0',
      'limit=101',
      'cursor=garbage',
      `cursor=${Buffer.from('["2026-01-01T00:00:00.000Z","1; drop table bookmarks"]').toString('base64url')}`,
    ]) {
      expectError(
        await t.request({ method: 'GET', url: `/bookmarks?${query}`, token: reader.token }),
        422,
        'validation_error',
      );
    }
  });
});
