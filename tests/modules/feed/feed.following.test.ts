import { beforeAll, describe, expect, it } from 'vitest';
import type { Post } from '../../../src/core/posts.schemas.js';
import { getFeed } from '../../../src/modules/feed/feed.service.js';
import { processOutbox } from '../../../src/modules/feed/timeline.service.js';
import { useTestApp } from '../../helpers/app.js';
import { addFilter, countingDb } from '../../helpers/content.js';
import {
  createAccount,
  createPost,
  createUser,
  expectError,
  follow,
  getOk,
  insertPost,
  insertRepost,
  type Page,
  type TestUser,
  walkPages,
} from '../../helpers/factories.js';

type PageBody = Page<Post>;

/** A post or repost n seconds after a base an hour ago: older than anything written "now". */
const base = Date.now() - 3_600_000;
const at = (n: number) => new Date(base + n * 1000);

describe('GET /feed?type=following', () => {
  const t = useTestApp();

  const feed = (user: TestUser | { token: string }, query = ''): Promise<PageBody> =>
    getOk(t, `/feed?type=following${query}`, user.token);
  /** Each item as "post id" or "post id<reposter id", to compare whole feeds at once. */
  const entries = (page: { items: Post[] }) =>
    page.items.map((p) => (p.reposted_by ? `${p.id}<${p.reposted_by.id}` : p.id));

  describe('contents and order', () => {
    let v: TestUser;
    let a: TestUser;
    let b: TestUser;
    let muted: TestUser;
    let expected: string[];

    beforeAll(async () => {
      v = await createUser(t);
      [a, b, muted] = [await createUser(t), await createUser(t), await createUser(t)];
      const c = await createUser(t); // not followed
      const d = await createUser(t); // not followed
      const blocker = await createUser(t); // not followed, blocks v
      for (const u of [a, b, muted]) await follow(t, v, u);
      await addFilter(t, v, muted, 'mute');
      await addFilter(t, blocker, v, 'block');

      const post = (u: TestUser, n: number, deleted = false) =>
        insertPost(t, u.id, { createdAt: at(n), content: `${u.username} ${n}`, deleted });
      const p1 = await post(c, 1);
      const p2 = await post(a, 2);
      const p3 = await post(v, 3);
      const p4 = await post(b, 4);
      const p5 = await post(c, 5, true);
      const p6 = await post(d, 6);
      const p7 = await post(blocker, 7);
      await post(muted, 8);
      const p9 = await post(c, 9);
      await post(a, 10, true);

      await insertRepost(t, a.id, p1.id, at(11)); // shows p1, by a
      await insertRepost(t, b.id, p1.id, at(12)); // p1 again: left out
      await insertRepost(t, b.id, p2.id, at(13)); // a's own post is in the feed already
      await insertRepost(t, a.id, p3.id, at(14)); // v's own post is in the feed already
      await insertRepost(t, a.id, p5.id, at(15)); // a deleted post
      await insertRepost(t, muted.id, p6.id, at(16)); // the reposter is muted
      await insertRepost(t, b.id, p6.id, at(17)); // so b's is the first repost that shows
      await insertRepost(t, a.id, p7.id, at(18)); // its author blocked v
      await insertRepost(t, a.id, (await post(muted, 18)).id, at(19)); // its author is muted
      await insertRepost(t, v.id, p9.id, at(20)); // v's own repost
      await insertRepost(t, d.id, p9.id, at(21)); // d is not followed
      await insertRepost(t, b.id, p9.id, at(22)); // p9 already came through v's repost

      expected = [`${p9.id}<${v.id}`, `${p6.id}<${b.id}`, `${p1.id}<${a.id}`, p4.id, p3.id, p2.id];
    });

    it('shows own and followed posts and reposts, newest first by post or repost time', async () => {
      const page = await feed(v);
      expect(entries(page)).toEqual(expected);
      expect(page.next_cursor).toBeNull();
      const byId = new Map(page.items.map((p) => [p.id, p]));
      const reposted = page.items.filter((p) => p.reposted_by);
      expect(reposted.map((p) => p.reposted_by?.username)).toEqual([
        v.username,
        b.username,
        a.username,
      ]);
      expect(reposted[0]?.reposted_by).toEqual({
        id: v.id,
        username: v.username,
        display_name: v.username,
        profile_picture_url: null,
      });
      // the Post is the original, with its author and stats; a post of its own has no reposted_by
      expect(reposted[1]?.author.id).not.toBe(b.id);
      expect(reposted[0]?.viewer.reposted).toBe(true);
      expect(byId.get(expected[3]!)).not.toHaveProperty('reposted_by');
      expect(reposted[2]?.stats.reposts).toBe(2);
    });

    it('walks the same feed a page at a time, and by offset', async () => {
      const walked = await walkPages((cursor) =>
        feed(v, `&limit=2${cursor ? `&cursor=${cursor}` : ''}`),
      );
      expect(entries(walked)).toEqual(expected);
      for (const offset of [0, 1, 4, 5, 6, 50]) {
        expect(entries(await feed(v, `&limit=2&offset=${offset}`))).toEqual(
          expected.slice(offset, offset + 2),
        );
      }
    });

    it("loses a followee's posts and reposts when the viewer mutes them", async () => {
      await addFilter(t, v, b, 'mute');
      try {
        const ids = entries(await feed(v));
        expect(ids).toEqual(expected.filter((e) => !e.includes(b.id) && e !== expected[3]));
      } finally {
        await t.db.deleteFrom('content_filters').where('target_id', '=', b.id).execute();
      }
    });

    it('leaves out followees across a block either way, whatever the follows say', async () => {
      // a block removes follows (the follows module); the feed does not rely on it
      const [blocked, blocking] = [await createUser(t), await createUser(t)];
      const viewer = await createUser(t);
      for (const u of [a, blocked, blocking]) await follow(t, viewer, u);
      await addFilter(t, viewer, blocked, 'block');
      await addFilter(t, blocking, viewer, 'block');
      const hidden = [
        await insertPost(t, blocked.id, { createdAt: at(30) }),
        await insertPost(t, blocking.id, { createdAt: at(31) }),
      ];
      const other = await insertPost(t, (await createUser(t)).id, { createdAt: at(32) });
      await insertRepost(t, blocked.id, other.id, at(33));
      const ids = (await feed(viewer, '&limit=100')).items.map((p) => p.id);
      for (const post of [...hidden, other]) expect(ids).not.toContain(post.id);
      expect(ids).toContain(expected[5]); // a's post
    });
  });

  it('walks every entry once with cursor while posts and reposts keep arriving', async () => {
    const v = await createUser(t);
    const [p, q, r] = [await createUser(t), await createUser(t), await createUser(t)];
    await follow(t, v, p);
    await follow(t, v, q);
    const own: string[] = [];
    for (let i = 0; i < 6; i++) {
      own.push((await insertPost(t, p.id, { createdAt: at(10 * i) })).id);
      await insertPost(t, q.id, { createdAt: at(10 * i + 1) });
    }
    const others: string[] = [];
    for (let i = 0; i < 14; i++) {
      others.push((await insertPost(t, r.id, { createdAt: at(i) })).id);
    }
    // five of r's posts came through q; a post and a repost share a millisecond (the id decides)
    for (let i = 0; i < 5; i++) await insertRepost(t, q.id, others[i]!, at(10 * i + 1));
    const snapshot = entries(await feed(v, '&limit=100'));
    expect(snapshot).toHaveLength(17);

    const walked = await walkPages(
      (cursor) => feed(v, `&limit=3${cursor ? `&cursor=${cursor}` : ''}`),
      async (n) => {
        await createPost(t, p, `arriving ${n}`); // a new post on top
        await insertRepost(t, q.id, others[5 + n]!); // a first repost: on top
        await insertRepost(t, p.id, others[n % 5]!); // reposted by q before: no change
        await insertRepost(t, q.id, own[n]!); // p's own post: no change
      },
    );
    const pages = walked.pages;
    expect(pages).toBe(6);
    expect(entries(walked)).toEqual(snapshot);
    // the new entries are on top of a fresh first page, newest first
    const fresh = entries(await feed(v, '&limit=100'));
    expect(fresh).toHaveLength(17 + 2 * (pages - 1));
    expect(fresh.slice(2 * (pages - 1))).toEqual(snapshot);
    expect(fresh[0]).toBe(`${others[5 + pages - 1]}<${q.id}`);
  });

  it('needs a token: 401 without one, an empty page for an account not onboarded', async () => {
    expectError(
      await t.request({ method: 'GET', url: '/feed?type=following' }),
      401,
      'unauthorized',
    );
    const res = await t.request({
      method: 'GET',
      url: '/feed?type=following',
      headers: { authorization: 'Bearer not.a.token' },
    });
    expectError(res, 401, 'unauthorized');
    expect(await feed(await createAccount(t))).toEqual({ items: [], next_cursor: null });
  });

  it('refuses unknown types, bad limits and tampered cursors with 422', async () => {
    const v = await createUser(t);
    for (const query of [
      'type=Following',
      'type=everything',
      'type=following&limit=0',
      'type=following&limit=101',
      'type=following&offset=-1',
      'type=following&offset=10001',
      'type=following&cursor=garbage',
      `type=following&cursor=${Buffer.from('["2026-01-01T00:00:00.000Z","x\' or 1=1 --"]').toString('base64url')}`,
      'type=%27%3B%20drop%20table%20posts',
    ]) {
      expectError(
        await t.request({ method: 'GET', url: `/feed?${query}`, token: v.token }),
        422,
        'validation_error',
      );
    }
  });

  it('reads a page in the same number of queries for 1 entry or 20', async () => {
    const v = await createUser(t);
    const [a, b, c] = [await createUser(t), await createUser(t), await createUser(t)];
    await follow(t, v, a);
    await follow(t, v, b);
    const quoted = await createPost(t, c, 'quoted $TSLA');
    for (let i = 0; i < 12; i++) {
      await insertPost(t, i % 2 ? a.id : b.id, { createdAt: at(100 + i), tickers: ['NVDA'] });
      const old = await insertPost(t, c.id, { createdAt: at(150 + i) });
      await insertRepost(t, i % 2 ? b.id : a.id, old.id, at(200 + i));
    }
    const quote = await t.request({
      method: 'POST',
      url: `/posts/${quoted.id}/reposts`,
      token: a.token,
      payload: { quote: 'look' },
    });
    expect(quote.statusCode).toBe(201);

    // the timeline built (the first read asks for it, the background step builds it)
    await getFeed(t.db, { type: 'following', limit: 1 }, v.id);
    await processOutbox(t.db, { entries: 800, pullFollowers: 1_000 });
    const { db, counter } = countingDb(t.db);
    const one = (await getFeed(db, { type: 'following', limit: 1 }, v.id)).value();
    const forOne = counter.count;
    counter.reset();
    const twenty = (await getFeed(db, { type: 'following', limit: 20 }, v.id)).value();
    expect([one.items.length, twenty.items.length]).toEqual([1, 20]);
    expect(twenty.items.filter((p) => p.reposted_by)).toHaveLength(12);
    expect(one.items[0]?.quoted_post).toMatchObject({ id: quoted.id, tickers: ['TSLA'] });
    // one statement for the timeline's floor, one for the page (the quoted posts included)
    expect([forOne, counter.count]).toEqual([2, 2]);
    counter.reset();
    await getFeed(db, { type: 'following', limit: 5, cursor: one.next_cursor! }, v.id);
    expect(counter.count).toBe(2);
  });
});
