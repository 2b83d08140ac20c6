import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { foldCounterDeltas, postCount } from '../../src/core/counters.js';
import { createTestApp, type TestApp } from '../helpers/app.js';
import { postCounterColumns } from '../helpers/content.js';
import { isPostgres } from '../helpers/database.js';
import { createPost, createUser } from '../helpers/factories.js';

/**
 * Counters under contention (migration 0061): a counter trigger that finds the row held by
 * another open transaction appends a delta instead of waiting; reads add pending deltas; the
 * fold moves them into the counters. Counts are exact before and after the fold.
 */
describe('counter deltas', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(async () => t?.close());

  const column = (postId: string) => postCounterColumns(t.db, postId);
  const pending = async () => {
    const { rows } = await sql<{ posts: number; users: number }>`select
      (select count(*)::int from post_counter_deltas) as posts,
      (select count(*)::int from user_counter_deltas) as users`.execute(t.db);
    return rows[0]!;
  };

  it('every read of a post and of a profile adds the pending deltas', async () => {
    const author = await createUser(t);
    const post = await createPost(t, author, { content: 'pending $PDLT' });
    // a pending delta as a contended write leaves it (written by hand: deterministic on both databases)
    await sql`insert into post_counter_deltas (post_id, reactions, comments, reposts, quotes)
      values (${post.id}, 3, 2, 1, 4), (${post.id}, -1, 0, 0, 0)`.execute(t.db);
    await sql`insert into user_counter_deltas (user_id, posts) values (${author.id}, 5)`.execute(
      t.db,
    );
    const expected = { reactions: 2, comments: 2, reposts: 1, quotes: 4 };

    const one = await t.request({ method: 'GET', url: `/posts/${post.id}` });
    expect(one.json().stats).toEqual(expected);
    const list = await t.request({ method: 'GET', url: `/users/${author.id}/posts` });
    expect(list.statusCode).toBe(200);
    expect(list.json().items.find((p: { id: string }) => p.id === post.id).stats).toEqual(expected);
    const feed = await t.request({ method: 'GET', url: '/feed?type=all&limit=50' });
    expect(feed.json().items.find((p: { id: string }) => p.id === post.id).stats).toEqual(expected);
    const profile = await t.request({ method: 'GET', url: `/users/${author.id}` });
    expect(profile.json().stats.posts).toBe(6);
    expect(await postCount(t.db, post.id, 'reactions')).toBe(2);

    // the answer of a like counts the pending deltas too
    const fan = await createUser(t);
    const like = await t.request({
      method: 'POST',
      url: `/posts/${post.id}/reactions`,
      token: fan.token,
    });
    expect(like.json()).toMatchObject({ reacted: true, reactions: 3 });

    // folded: the same counts, from the rows alone
    expect(await foldCounterDeltas(t.db)).toBe(3);
    expect(await pending()).toEqual({ posts: 0, users: 0 });
    expect(await column(post.id)).toEqual({
      reactions_count: 3,
      comments_count: 2,
      reposts_count: 1,
      quotes_count: 4,
    });
    const again = await t.request({ method: 'GET', url: `/posts/${post.id}` });
    expect(again.json().stats).toEqual({ ...expected, reactions: 3 });
    expect(
      (await t.request({ method: 'GET', url: `/users/${author.id}` })).json().stats.posts,
    ).toBe(6);
    expect(await foldCounterDeltas(t.db)).toBe(0);
  });

  it('drops the deltas of a post that is gone', async () => {
    const author = await createUser(t);
    const post = await createPost(t, author);
    await sql`insert into post_counter_deltas (post_id, reactions) values (${post.id}, 1)`.execute(
      t.db,
    );
    await sql`delete from posts where id = ${post.id}`.execute(t.db);
    expect(await foldCounterDeltas(t.db)).toBe(0);
    expect(await pending()).toEqual({ posts: 0, users: 0 });
  });

  it.runIf(isPostgres())(
    'a like whose post row is held by another transaction appends a delta instead of waiting',
    async () => {
      const author = await createUser(t);
      const post = await createPost(t, author);
      const [a, b] = [await createUser(t), await createUser(t)];
      await t.db.transaction().execute(async (trx) => {
        // a's like holds the post's row until this transaction ends
        await trx.insertInto('reactions').values({ user_id: a.id, post_id: post.id }).execute();
        // b's like, on another connection, must not wait for it (lock_timeout: fail, not hang)
        await t.db.transaction().execute(async (other) => {
          await sql`set local lock_timeout = '2s'`.execute(other);
          await other.insertInto('reactions').values({ user_id: b.id, post_id: post.id }).execute();
        });
        expect(await pending()).toEqual({ posts: 1, users: 0 });
        // outside a's transaction: b's like (pending) counts, a's (uncommitted) does not yet
        expect(await postCount(t.db, post.id, 'reactions')).toBe(1);
      });
      expect(await postCount(t.db, post.id, 'reactions')).toBe(2);
      expect((await column(post.id)).reactions_count).toBe(1);
      expect(await foldCounterDeltas(t.db)).toBe(1);
      expect((await column(post.id)).reactions_count).toBe(2);

      // the same for an author's posts_count: two posts at once, the second does not wait
      await t.db.transaction().execute(async (trx) => {
        await trx.insertInto('posts').values({ author_id: author.id, content: 'one' }).execute();
        await t.db.transaction().execute(async (other) => {
          await sql`set local lock_timeout = '2s'`.execute(other);
          await other
            .insertInto('posts')
            .values({ author_id: author.id, content: 'two' })
            .execute();
        });
      });
      expect(await pending()).toEqual({ posts: 0, users: 1 });
      const profile = await t.request({ method: 'GET', url: `/users/${author.id}` });
      expect(profile.json().stats.posts).toBe(3);
      await foldCounterDeltas(t.db);
      const row = await t.db
        .selectFrom('users')
        .select('posts_count')
        .where('id', '=', author.id)
        .executeTakeFirstOrThrow();
      expect(row.posts_count).toBe(3);
    },
  );

  it('stays exact under 40 likes and unlikes of one post at once, with folds running beside them', async () => {
    const author = await createUser(t);
    const post = await createPost(t, author);
    const fans = await Promise.all(Array.from({ length: 40 }, () => createUser(t)));
    const url = `/posts/${post.id}/reactions`;
    const toggle = (fan: (typeof fans)[number]) =>
      t.request({ method: 'POST', url, token: fan.token });
    let folding = true;
    const folds = (async () => {
      let n = 0;
      while (folding) {
        n += await foldCounterDeltas(t.db);
        // a macrotask between folds: the requests get their turn (on PGlite, one connection)
        await new Promise((resolve) => setTimeout(resolve, 2));
      }
      return n;
    })();
    // everyone likes, then the first 15 take it back, then 5 of them like again, all at once
    const likes = await Promise.all(fans.map(toggle));
    const unlikes = await Promise.all(fans.slice(0, 15).map(toggle));
    const relikes = await Promise.all(fans.slice(0, 5).map(toggle));
    folding = false;
    await folds;
    for (const r of [...likes, ...unlikes, ...relikes]) expect(r.statusCode).toBe(200);
    expect(await postCount(t.db, post.id, 'reactions')).toBe(30);
    await foldCounterDeltas(t.db);
    expect(await pending()).toEqual({ posts: 0, users: 0 });
    expect((await column(post.id)).reactions_count).toBe(30);
    const live = await t.db
      .selectFrom('post_stats')
      .select('reactions')
      .where('post_id', '=', post.id)
      .executeTakeFirstOrThrow();
    expect(live.reactions).toBe(30);
  });

  it.runIf(isPostgres())('lets one fold run at a time; the other returns at once', async () => {
    const author = await createUser(t);
    const post = await createPost(t, author);
    await sql`insert into post_counter_deltas (post_id, reactions) values (${post.id}, 1)`.execute(
      t.db,
    );
    await t.db.transaction().execute(async (trx) => {
      expect(
        (await sql<{ n: number }>`select fold_counter_deltas() as n`.execute(trx)).rows[0]!.n,
      ).toBe(1);
      // the first fold's transaction is still open: a second returns 0 without waiting
      expect(await foldCounterDeltas(t.db)).toBe(0);
    });
    expect((await column(post.id)).reactions_count).toBe(1);
  });
});
