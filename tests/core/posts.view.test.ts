import { sql } from 'kysely';
import { beforeAll, describe, expect, it } from 'vitest';
import { keyset } from '../../src/core/keyset.js';
import { listPosts } from '../../src/core/posts.list.js';
import type { Post } from '../../src/core/posts.schemas.js';
import {
  findPosts,
  postColumns,
  postJson,
  toPostPageJson,
  toPosts,
  userSummaryJson,
} from '../../src/core/posts.view.js';
import { useTestApp } from '../helpers/app.js';
import { countingDb } from '../helpers/content.js';
import { createMedia, createPost, createUser, type TestUser } from '../helpers/factories.js';

describe('the Post builder', () => {
  const t = useTestApp();
  let viewer: TestUser;
  let authors: TestUser[];
  let rich: Post[];

  /** A post with everything a Post can hold: tickers, 2 media, a poll, a quote, viewer flags. */
  async function richPost(author: TestUser, quotedId: string, i: number): Promise<Post> {
    const media = [await createMedia(t, author.id), await createMedia(t, author.id)];
    const withExtras = await createPost(t, author, {
      content: `rich ${i}: $AAPL #tsla $BRK.B $S${String.fromCharCode(65 + (i % 26))}`,
      media_ids: media,
      poll: { options: ['up', 'down', 'flat'], duration_days: 2 },
    });
    // the API quotes with text only; a quote with media and a poll is made by hand
    await t.db
      .updateTable('posts')
      .set({ quoted_post_id: quotedId })
      .where('id', '=', withExtras.id)
      .execute();
    await t.db
      .insertInto('reactions')
      .values({ user_id: viewer.id, post_id: withExtras.id })
      .execute();
    await t.db
      .insertInto('reposts')
      .values({ user_id: viewer.id, post_id: withExtras.id })
      .execute();
    await t.db
      .insertInto('bookmarks')
      .values({ user_id: viewer.id, post_id: withExtras.id })
      .execute();
    const [post] = await findPosts(t.db, [withExtras.id], viewer.id);
    return post!;
  }

  beforeAll(async () => {
    viewer = await createUser(t);
    authors = [await createUser(t), await createUser(t), await createUser(t)];
    const quoted: string[] = [];
    for (let i = 0; i < 20; i++) {
      quoted.push((await createPost(t, authors[(i + 1) % 3]!, `original ${i} $AAPL`)).id);
    }
    await t.db
      .updateTable('posts')
      .set({ deleted_at: new Date() })
      .where('id', '=', quoted[7]!)
      .execute();
    rich = [];
    for (let i = 0; i < 20; i++) rich.push(await richPost(authors[i % 3]!, quoted[i]!, i));
  });

  it('builds a whole rich page in the same number of queries as a page of one', async () => {
    const { db, counter } = countingDb(t.db);
    const one = (await listPosts(db, { viewerId: viewer.id }, { limit: 1 })).value();
    const forOne = counter.count;
    counter.reset();
    const twenty = (await listPosts(db, { viewerId: viewer.id }, { limit: 20 })).value();
    const forTwenty = counter.count;

    expect(one.items).toHaveLength(1);
    expect(twenty.items).toHaveLength(20);
    // the page is as rich as claimed: every part came with it
    for (const post of twenty.items) {
      expect(post.tickers.length).toBeGreaterThan(0);
      expect(post.media).toHaveLength(2);
      expect(post.poll?.options).toHaveLength(3);
      if (post.id === rich[7]!.id) expect(post.quoted_post).toMatchObject({ deleted: true });
      else
        expect(post.quoted_post).toMatchObject({ author: expect.any(Object), tickers: ['AAPL'] });
      expect(post.viewer).toEqual({ reacted: true, reposted: true, bookmarked: true });
    }
    expect(new Set(twenty.items.map((p) => p.quoted_post?.id)).size).toBe(20);
    // one statement for the page, the quoted posts included
    expect(forOne).toBe(1);
    expect(forTwenty).toBe(forOne);
  });

  it('needs one query for a page where nothing is quoted', async () => {
    const { db, counter } = countingDb(t.db);
    const author = await createUser(t);
    await createPost(t, author, 'plain $SPY');
    const page = (
      await listPosts(db, { viewerId: null, authorId: author.id }, { limit: 20 })
    ).value();
    expect(page.items).toHaveLength(1);
    expect(counter.count).toBe(1);
  });

  it('shows quoted posts one level deep, and a deleted one as { id, deleted }', async () => {
    const inner = await createPost(t, authors[0]!, 'inner');
    const middle = (
      await t.request({
        method: 'POST',
        url: `/posts/${inner.id}/reposts`,
        token: authors[1]!.token,
        payload: { quote: 'middle' },
      })
    ).json().post as Post;
    const outer = (
      await t.request({
        method: 'POST',
        url: `/posts/${middle.id}/reposts`,
        token: authors[2]!.token,
        payload: { quote: 'outer' },
      })
    ).json().post as Post;
    expect(outer.quoted_post).toMatchObject({
      id: middle.id,
      content: 'middle',
      quoted_post: null,
    });

    await t.request({ method: 'DELETE', url: `/posts/${middle.id}`, token: authors[1]!.token });
    const [after] = await findPosts(t.db, [outer.id], null);
    expect(after!.quoted_post).toEqual({ id: middle.id, deleted: true });
  });

  it('keeps the order given, leaves out missing ids, and fills nothing for anonymous viewers', async () => {
    const ids = [rich[3]!.id, rich[1]!.id, '00000000-0000-4000-8000-000000000000', rich[2]!.id];
    const posts = await findPosts(t.db, ids, null);
    expect(posts.map((p) => p.id)).toEqual([rich[3]!.id, rich[1]!.id, rich[2]!.id]);
    expect(
      posts.every((p) => !p.viewer.reacted && !p.viewer.reposted && !p.viewer.bookmarked),
    ).toBe(true);
  });

  it('serves a list ordered by something else (bookmarks), as its header shows', async () => {
    const chosen = [rich[5]!, rich[0]!, rich[9]!];
    await t.db.deleteFrom('bookmarks').where('user_id', '=', viewer.id).execute();
    for (const [i, post] of chosen.entries()) {
      await t.db
        .insertInto('bookmarks')
        .values({
          user_id: viewer.id,
          post_id: post.id,
          created_at: new Date(Date.UTC(2030, 0, 1, 0, i)),
        })
        .execute();
    }
    const limit = 2;
    const rows = await t.db
      .selectFrom('bookmarks')
      .innerJoin('posts', 'posts.id', 'bookmarks.post_id')
      .select(postJson(viewer.id).as('post_json'))
      .select(['posts.id', 'bookmarks.created_at as bookmarked_at'])
      .where('bookmarks.user_id', '=', viewer.id)
      .where('posts.deleted_at', 'is', null)
      .orderBy('bookmarks.created_at', 'desc')
      .orderBy('bookmarks.post_id', 'desc')
      .limit(limit + 1)
      .execute();
    const page = toPostPageJson(rows, keyset({ limit }), (r) => ({
      t: r.bookmarked_at,
      id: r.id,
    })).value();
    expect(page.items.map((p) => p.id)).toEqual([rich[9]!.id, rich[0]!.id]);
    expect(page.next_cursor).toEqual(expect.any(String));
  });

  it('carries reposted_by onto the Post when a row has one (a feed)', async () => {
    const rows = await t.db
      .selectFrom('reposts')
      .innerJoin('posts', 'posts.id', 'reposts.post_id')
      .innerJoin('users', 'users.id', 'reposts.user_id')
      .select(postColumns(null))
      .select(
        sql<{ id: string; username: string; display_name: string; profile_picture_url: null }>`
          json_build_object('id', users.id, 'username', users.username,
            'display_name', users.display_name, 'profile_picture_url', users.profile_picture_url)
        `.as('reposted_by'),
      )
      .where('reposts.user_id', '=', viewer.id)
      .limit(2)
      .execute();
    const posts = await toPosts(t.db, rows, null);
    expect(posts).toHaveLength(2);
    for (const post of posts) expect(post.reposted_by).toMatchObject({ id: viewer.id });
    const plain = await findPosts(t.db, [posts[0]!.id], null);
    expect(plain[0]).not.toHaveProperty('reposted_by');
  });

  it('writes the same Posts as JSON text as the object builder, field for field', async () => {
    // a quoted post by a suspended author is unavailable to others, as a deleted one is
    const suspended = await createUser(t);
    const hidden = await createPost(t, suspended, 'soon hidden $AAPL');
    const quoting = await createPost(t, authors[0]!, 'quoting the hidden one');
    await t.db
      .updateTable('posts')
      .set({ quoted_post_id: hidden.id, edited_at: new Date(Date.UTC(2026, 0, 2, 3, 4, 5)) })
      .where('id', '=', quoting.id)
      .execute();
    await t.db
      .updateTable('posts')
      .set({ author_suspended: true })
      .where('id', '=', hidden.id)
      .execute();
    const ids = [...rich.map((p) => p.id), quoting.id];
    for (const who of [viewer.id, null]) {
      const objects = await findPosts(t.db, ids, who);
      const rows = await t.db
        .selectFrom('posts')
        .select([postJson(who).as('post_json'), 'posts.id'])
        .where('posts.id', 'in', ids)
        .execute();
      const byId = new Map(rows.map((r) => [r.id, JSON.parse(r.post_json) as Post]));
      expect(objects).toHaveLength(ids.length);
      for (const post of objects) expect(byId.get(post.id)).toEqual(post);
    }
    const [seen] = await findPosts(t.db, [quoting.id], null);
    expect(seen!.quoted_post).toEqual({ id: hidden.id, deleted: true });
    expect(seen!.edited_at).toBe('2026-01-02T03:04:05.000Z');
    // the rich page really holds every part the comparison covers
    const [first] = await findPosts(t.db, [rich[0]!.id], viewer.id);
    expect(first!.poll?.expires_at).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
    expect(first!.media).toHaveLength(2);
  });

  it('adds reposted_by to the JSON text of a Post when the row has one', async () => {
    const rows = await t.db
      .selectFrom('reposts')
      .innerJoin('posts', 'posts.id', 'reposts.post_id')
      .select(postJson(null).as('post_json'))
      .select([
        'posts.id',
        'reposts.created_at',
        userSummaryJson('reposts.user_id').as('reposted_by'),
      ])
      .where('reposts.user_id', '=', viewer.id)
      .orderBy('reposts.created_at', 'desc')
      .orderBy('posts.id', 'desc')
      .limit(3)
      .execute();
    const page = toPostPageJson(rows, keyset({ limit: 2 }), (r) => ({
      t: r.created_at,
      id: r.id,
    })).value();
    expect(page.items).toHaveLength(2);
    for (const post of page.items) {
      expect(post.reposted_by).toMatchObject({ id: viewer.id, username: viewer.username });
    }
    expect(page.next_cursor).toEqual(expect.any(String));
  });

  it('sends a page of JSON text as JSON, the same page the object builder makes', async () => {
    const res = await t.request({
      method: 'GET',
      url: '/feed?type=all&limit=5',
      token: viewer.token,
    });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toBe('application/json; charset=utf-8');
    const page = res.json() as { items: Post[]; next_cursor: string | null };
    expect(page.items).toHaveLength(5);
    expect(page.next_cursor).toEqual(expect.any(String));
    expect(page.items).toEqual(
      await findPosts(
        t.db,
        page.items.map((p) => p.id),
        viewer.id,
      ),
    );
  });
});
