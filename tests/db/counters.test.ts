import { randomUUID } from 'node:crypto';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Db } from '../../src/db/index.js';
import { createTestDatabase, type TestDatabase } from '../helpers/database.js';

/** The counters of 0002_counters.ts, checked against live counts (the post_stats view). */
describe('counters kept by triggers', () => {
  let t: TestDatabase;
  let db: Db;
  beforeAll(async () => {
    t = await createTestDatabase();
    db = t.database.db;
  });
  afterAll(async () => t?.close());

  async function user() {
    const id = randomUUID();
    await db
      .insertInto('users')
      .values({ id, username: `u${id.slice(0, 8)}`, display_name: 'U', timezone: 'UTC' })
      .execute();
    return id;
  }
  async function post(authorId: string, quoted: string | null = null) {
    const row = await db
      .insertInto('posts')
      .values({ author_id: authorId, content: 'hello', quoted_post_id: quoted })
      .returning('id')
      .executeTakeFirstOrThrow();
    return row.id;
  }
  const counters = (id: string) =>
    db
      .selectFrom('posts')
      .select([
        'reactions_count as reactions',
        'comments_count as comments',
        'reposts_count as reposts',
        'quotes_count as quotes',
      ])
      .where('id', '=', id)
      .executeTakeFirstOrThrow();
  const live = (id: string) =>
    db
      .selectFrom('post_stats')
      .select(['reactions', 'comments', 'reposts', 'quotes'])
      .where('post_id', '=', id)
      .executeTakeFirstOrThrow();
  const userCounts = (id: string) =>
    db
      .selectFrom('users')
      .select(['followers_count', 'following_count', 'posts_count'])
      .where('id', '=', id)
      .executeTakeFirstOrThrow();

  it("keeps a post's counts equal to the live counts through writes and deletes", async () => {
    const [a, b, c] = [await user(), await user(), await user()];
    const p = await post(a);
    await db
      .insertInto('reactions')
      .values([
        { user_id: b, post_id: p },
        { user_id: c, post_id: p },
      ])
      .execute();
    await db.insertInto('reposts').values({ user_id: b, post_id: p }).execute();
    const q1 = await post(c, p);
    await post(b, p);
    const c1 = await db
      .insertInto('comments')
      .values({ post_id: p, author_id: b, content: 'x' })
      .returning('id')
      .executeTakeFirstOrThrow();
    await db
      .insertInto('comments')
      .values({ post_id: p, author_id: c, content: 'y', parent_id: c1.id })
      .execute();
    expect(await counters(p)).toEqual({ reactions: 2, comments: 2, reposts: 1, quotes: 2 });
    expect(await counters(p)).toEqual(await live(p));

    await db.deleteFrom('reactions').where('user_id', '=', c).where('post_id', '=', p).execute();
    await db.updateTable('posts').set({ deleted_at: new Date() }).where('id', '=', q1).execute();
    await db
      .updateTable('comments')
      .set({ deleted_at: new Date() })
      .where('id', '=', c1.id)
      .execute();
    await db.deleteFrom('reposts').where('post_id', '=', p).execute();
    expect(await counters(p)).toEqual({ reactions: 1, comments: 1, reposts: 0, quotes: 1 });
    expect(await counters(p)).toEqual(await live(p));
    // deleting twice changes nothing more
    await db
      .updateTable('comments')
      .set({ deleted_at: new Date() })
      .where('id', '=', c1.id)
      .execute();
    expect((await counters(p)).comments).toBe(1);
  });

  it("keeps a comment's reactions and replies", async () => {
    const [a, b] = [await user(), await user()];
    const p = await post(a);
    const parent = await db
      .insertInto('comments')
      .values({ post_id: p, author_id: a, content: 'p' })
      .returning('id')
      .executeTakeFirstOrThrow();
    const reply = await db
      .insertInto('comments')
      .values({ post_id: p, author_id: b, content: 'r', parent_id: parent.id })
      .returning('id')
      .executeTakeFirstOrThrow();
    await db.insertInto('reactions').values({ user_id: b, comment_id: parent.id }).execute();
    const row = () =>
      db
        .selectFrom('comments')
        .select(['reactions_count', 'replies_count'])
        .where('id', '=', parent.id)
        .executeTakeFirstOrThrow();
    expect(await row()).toEqual({ reactions_count: 1, replies_count: 1 });
    await db
      .updateTable('comments')
      .set({ deleted_at: new Date() })
      .where('id', '=', reply.id)
      .execute();
    expect(await row()).toEqual({ reactions_count: 1, replies_count: 0 });
  });

  it("keeps a user's followers, following and posts", async () => {
    const [a, b, c] = [await user(), await user(), await user()];
    await db
      .insertInto('follows')
      .values([
        { follower_id: a, followee_id: b },
        { follower_id: c, followee_id: b },
        { follower_id: b, followee_id: a },
      ])
      .execute();
    const p = await post(b);
    expect(await userCounts(b)).toEqual({ followers_count: 2, following_count: 1, posts_count: 1 });
    await db.deleteFrom('follows').where('follower_id', '=', a).execute();
    await db.updateTable('posts').set({ deleted_at: new Date() }).where('id', '=', p).execute();
    expect(await userCounts(b)).toEqual({ followers_count: 1, following_count: 1, posts_count: 0 });
    expect(await userCounts(a)).toEqual({ followers_count: 1, following_count: 0, posts_count: 0 });
  });

  it("keeps a ticker's count of live posts and a poll's votes", async () => {
    const [a, b, c] = [await user(), await user(), await user()];
    const symbol = `Z${
      randomUUID()
        .replace(/[^a-f]/g, '')
        .slice(0, 3)
        .toUpperCase() || 'ZZ'
    }`;
    await db.insertInto('tickers').values({ symbol }).execute();
    const p1 = await post(a);
    const p2 = await post(b);
    for (const p of [p1, p2]) {
      await db
        .insertInto('post_tickers')
        .values({ post_id: p, symbol, position: 0, created_at: new Date() })
        .execute();
    }
    const count = async () =>
      (
        await db
          .selectFrom('tickers')
          .select('post_count')
          .where('symbol', '=', symbol)
          .executeTakeFirstOrThrow()
      ).post_count;
    expect(await count()).toBe(2);
    await db.updateTable('posts').set({ deleted_at: new Date() }).where('id', '=', p1).execute();
    expect(await count()).toBe(1);

    const poll = await db
      .insertInto('polls')
      .values({ post_id: p2, expires_at: new Date(Date.now() + 86_400_000) })
      .returning('id')
      .executeTakeFirstOrThrow();
    const [o1, o2] = await db
      .insertInto('poll_options')
      .values([
        { poll_id: poll.id, position: 0, text: 'yes' },
        { poll_id: poll.id, position: 1, text: 'no' },
      ])
      .returning('id')
      .execute();
    await db
      .insertInto('poll_votes')
      .values([
        { poll_id: poll.id, user_id: b, option_id: o1!.id },
        { poll_id: poll.id, user_id: c, option_id: o1!.id },
      ])
      .execute();
    const options = await db
      .selectFrom('poll_options')
      .select(['id', 'votes_count'])
      .where('poll_id', '=', poll.id)
      .orderBy('position')
      .execute();
    expect(options.map((o) => o.votes_count)).toEqual([2, 0]);
    expect(
      (
        await db
          .selectFrom('polls')
          .select('total_votes')
          .where('id', '=', poll.id)
          .executeTakeFirstOrThrow()
      ).total_votes,
    ).toBe(2);
    // an option of another poll is refused by the composite foreign key
    const other = await db
      .insertInto('polls')
      .values({ post_id: p1, expires_at: new Date() })
      .returning('id')
      .executeTakeFirstOrThrow();
    await expect(
      db
        .insertInto('poll_votes')
        .values({ poll_id: other.id, user_id: a, option_id: o2!.id })
        .execute(),
    ).rejects.toMatchObject({ code: '23503' });
  });

  it('moves updated_at when content changes, not when a counter does', async () => {
    const a = await user();
    const p = await post(a);
    const before = await db
      .selectFrom('posts')
      .select('updated_at')
      .where('id', '=', p)
      .executeTakeFirstOrThrow();
    await sql`select pg_sleep(0.01)`.execute(db);
    await db.insertInto('reactions').values({ user_id: a, post_id: p }).execute();
    const afterLike = await db
      .selectFrom('posts')
      .select('updated_at')
      .where('id', '=', p)
      .executeTakeFirstOrThrow();
    expect(afterLike.updated_at).toEqual(before.updated_at);
    await db.updateTable('posts').set({ content: 'edited' }).where('id', '=', p).execute();
    const afterEdit = await db
      .selectFrom('posts')
      .select('updated_at')
      .where('id', '=', p)
      .executeTakeFirstOrThrow();
    expect(afterEdit.updated_at.getTime()).toBeGreaterThan(before.updated_at.getTime());
  });

  it('lets opposite follows run at the same time without a deadlock', async () => {
    const [a, b] = [await user(), await user()];
    const rounds = Array.from({ length: 10 }, async () => {
      await Promise.all([
        db.transaction().execute((trx) =>
          trx
            .insertInto('follows')
            .values({ follower_id: a, followee_id: b })
            .onConflict((oc) => oc.doNothing())
            .execute(),
        ),
        db.transaction().execute((trx) =>
          trx
            .insertInto('follows')
            .values({ follower_id: b, followee_id: a })
            .onConflict((oc) => oc.doNothing())
            .execute(),
        ),
      ]);
      await Promise.all([
        db
          .deleteFrom('follows')
          .where('follower_id', '=', a)
          .where('followee_id', '=', b)
          .execute(),
        db
          .deleteFrom('follows')
          .where('follower_id', '=', b)
          .where('followee_id', '=', a)
          .execute(),
      ]);
    });
    await Promise.all(rounds);
    expect(await userCounts(a)).toMatchObject({ followers_count: 0, following_count: 0 });
    expect(await userCounts(b)).toMatchObject({ followers_count: 0, following_count: 0 });
  });
});
