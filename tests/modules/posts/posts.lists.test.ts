import { beforeAll, describe, expect, it } from 'vitest';
import { encodeCursor } from '../../../src/core/keyset.js';
import type { Post } from '../../../src/core/posts.schemas.js';
import { useTestApp } from '../../helpers/app.js';
import { addFilter } from '../../helpers/content.js';
import {
  createPost,
  createUser,
  expectError,
  getOk,
  type Page,
  type TestUser,
} from '../../helpers/factories.js';

type PageBody = Page<Post>;

describe('post lists', () => {
  const t = useTestApp();

  const get = (url: string, user?: TestUser): Promise<PageBody> => getOk(t, url, user?.token);

  /** Every live post id, newest first, as the database orders them. */
  async function allIds(): Promise<string[]> {
    const rows = await t.db
      .selectFrom('posts')
      .select('id')
      .where('deleted_at', 'is', null)
      .orderBy('created_at', 'desc')
      .orderBy('id', 'desc')
      .execute();
    return rows.map((r) => r.id);
  }

  describe('GET /posts pages', () => {
    let author: TestUser;
    beforeAll(async () => {
      author = await createUser(t);
      for (let i = 0; i < 12; i++) await createPost(t, author, `post ${i}`);
      // posts of the same millisecond: the id breaks the tie
      const at = new Date();
      await t.db
        .insertInto('posts')
        .values(
          Array.from({ length: 5 }, (_, i) => ({
            author_id: author.id,
            content: `tie ${i}`,
            created_at: at,
          })),
        )
        .execute();
    });

    it('walks every post once with cursor while new posts arrive', async () => {
      const expected = await allIds();
      const first = await get('/posts?limit=4');
      const seen: string[] = first.items.map((p) => p.id);
      let cursor = first.next_cursor;
      let pages = 1;
      // from here on, a post is written while each page is read: newer than every cursor
      while (cursor && pages < 50) {
        const [page] = await Promise.all([
          get(`/posts?limit=4&cursor=${cursor}`),
          createPost(t, author, `arriving ${pages}`),
        ]);
        seen.push(...page.items.map((p) => p.id));
        cursor = page.next_cursor;
        pages++;
      }
      expect(pages).toBeGreaterThan(3);
      expect(seen).toEqual(expected);
      expect(new Set(seen).size).toBe(seen.length);
    });

    it('pages by offset', async () => {
      const expected = await allIds();
      const first = await get('/posts?limit=5&offset=0');
      const second = await get('/posts?limit=5&offset=5');
      expect([...first.items, ...second.items].map((p) => p.id)).toEqual(expected.slice(0, 10));
      const beyond = await get('/posts?offset=10000');
      expect(beyond).toEqual({ items: [], next_cursor: null });
    });

    it('refuses tampered cursors and bad parameters with 422', async () => {
      const valid = (await get('/posts?limit=1')).next_cursor!;
      const tampered = [
        'garbage',
        `${valid.slice(0, -2)}xx`,
        Buffer.from('{"t":"2026-01-01","id":1}').toString('base64url'),
        Buffer.from(JSON.stringify(['2026-01-01T00:00:00.000Z', "x' or '1'='1"])).toString(
          'base64url',
        ),
        Buffer.from(
          JSON.stringify(['9999-99-99T99:99:99.999Z', '6f1c2b9e-1d7a-4c55-9a3e-2b8f0c4d5e6f']),
        ).toString('base64url'),
        Buffer.from(
          JSON.stringify(['2026-01-01T00:00:00.000Z', '6f1c2b9e-1d7a-4c55-9a3e-2b8f0c4d5e6f', 3]),
        ).toString('base64url'),
        'a'.repeat(513),
        '%00',
      ];
      for (const cursor of tampered) {
        const res = await t.request({
          method: 'GET',
          url: `/posts?cursor=${encodeURIComponent(cursor)}`,
        });
        expectError(res, 422, 'validation_error');
      }
      for (const query of [
        'limit=0',
        'limit=101',
        'limit=abc',
        'offset=-1',
        'author_id=nope',
        'sentiment=neutral',
        'ticker=TOOLONG',
        'ticker=%27%3B%20drop%20table%20posts',
      ]) {
        expectError(
          await t.request({ method: 'GET', url: `/posts?${query}` }),
          422,
          'validation_error',
        );
      }
    });

    it('accepts a well-formed cursor that names no post', async () => {
      const cursor = encodeCursor(
        new Date('2000-01-01T00:00:00.000Z'),
        '6f1c2b9e-1d7a-4c55-9a3e-2b8f0c4d5e6f',
      );
      expect(await get(`/posts?cursor=${cursor}`)).toEqual({ items: [], next_cursor: null });
    });
  });

  describe('filters', () => {
    it('filters by ticker (any spelling), author and sentiment, paging by cursor', async () => {
      const a = await createUser(t);
      const b = await createUser(t);
      const p1 = await createPost(t, a, { content: '$ZQX first', sentiment: 'bullish' });
      const p2 = await createPost(t, b, { content: '#zqx second', sentiment: 'bearish' });
      await createPost(t, a, { content: 'no ticker', sentiment: 'bullish' });
      const p3 = await createPost(t, a, { content: '$AAPL and $ZQX', sentiment: 'bullish' });

      for (const spelling of ['ZQX', 'zqx', '%24ZQX', '%23zqx']) {
        const page = await get(`/posts?ticker=${spelling}`);
        expect(page.items.map((p) => p.id)).toEqual([p3.id, p2.id, p1.id]);
      }
      const first = await get('/posts?ticker=ZQX&limit=2');
      expect(first.items.map((p) => p.id)).toEqual([p3.id, p2.id]);
      const rest = await get(`/posts?ticker=ZQX&limit=2&cursor=${first.next_cursor}`);
      expect(rest).toEqual({ items: [expect.objectContaining({ id: p1.id })], next_cursor: null });

      expect((await get(`/posts?ticker=ZQX&author_id=${a.id}`)).items.map((p) => p.id)).toEqual([
        p3.id,
        p1.id,
      ]);
      expect((await get('/posts?ticker=ZQX&sentiment=bearish')).items.map((p) => p.id)).toEqual([
        p2.id,
      ]);
      expect((await get(`/posts?author_id=${b.id}`)).items.map((p) => p.id)).toEqual([p2.id]);
      expect((await get('/posts?ticker=NONE')).items).toEqual([]);
    });
  });

  describe('mutes and blocks', () => {
    let viewer: TestUser;
    let muted: TestUser;
    let blocked: TestUser;
    let blocker: TestUser;
    let other: TestUser;
    beforeAll(async () => {
      const users = await Promise.all(Array.from({ length: 5 }, () => createUser(t)));
      [viewer, muted, blocked, blocker, other] = users as [
        TestUser,
        TestUser,
        TestUser,
        TestUser,
        TestUser,
      ];
      for (const user of [muted, blocked, blocker, other])
        await createPost(t, user, `by ${user.username} $MBX`);
      await addFilter(t, viewer, muted, 'mute');
      await addFilter(t, viewer, blocked, 'block');
      await addFilter(t, blocker, viewer, 'block');
    });

    const authorsOf = (page: PageBody) => page.items.map((p) => p.author.id).sort();

    it('leaves muted and blocked users (both ways) out of GET /posts', async () => {
      const page = await get('/posts?ticker=MBX', viewer);
      expect(authorsOf(page)).toEqual([other.id]);
      expect((await get(`/posts?author_id=${muted.id}`, viewer)).items).toEqual([]);
      const anonymous = await get('/posts?ticker=MBX');
      expect(authorsOf(anonymous)).toEqual([muted.id, blocked.id, blocker.id, other.id].sort());
      // the muted user sees the viewer's world unchanged: a mute is one-way
      expect(authorsOf(await get('/posts?ticker=MBX', muted))).toHaveLength(4);
    });

    it("lists a muted user's posts on their page, but not a blocked one's", async () => {
      expect((await get(`/users/${muted.id}/posts`, viewer)).items).toHaveLength(1);
      expect((await get(`/users/${blocked.id}/posts`, viewer)).items).toEqual([]);
      expect((await get(`/users/${blocker.id}/posts`, viewer)).items).toEqual([]);
      expect((await get(`/users/${viewer.id}/posts`, blocked)).items).toEqual([]);
      expect((await get(`/users/${blocked.id}/posts`)).items).toHaveLength(1);
    });
  });

  describe('GET /users/{user_id}/posts', () => {
    it("lists one user's posts newest first, and is 404 for an unknown user", async () => {
      const user = await createUser(t);
      const ids = [];
      for (let i = 0; i < 3; i++) ids.push((await createPost(t, user, `mine ${i}`)).id);
      const page = await get(`/users/${user.id}/posts?limit=2`);
      expect(page.items.map((p) => p.id)).toEqual([ids[2], ids[1]]);
      const next = await get(`/users/${user.id}/posts?limit=2&cursor=${page.next_cursor}`);
      expect(next.items.map((p) => p.id)).toEqual([ids[0]]);
      expect((await get(`/users/${user.id}/posts?offset=2`)).items.map((p) => p.id)).toEqual([
        ids[0],
      ]);
      expectError(
        await t.request({
          method: 'GET',
          url: '/users/6f1c2b9e-1d7a-4c55-9a3e-2b8f0c4d5e6f/posts',
        }),
        404,
        'not_found',
      );
      expectError(await t.request({ method: 'GET', url: '/users/nope/posts' }), 404, 'not_found');
    });
  });
});
