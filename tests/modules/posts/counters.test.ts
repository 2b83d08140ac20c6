import { sql } from 'kysely';
import { describe, expect, it } from 'vitest';
import { postCountsJson, userPostsCount } from '../../../src/core/counters.js';
import type { Post } from '../../../src/core/posts.schemas.js';
import { useTestApp } from '../../helpers/app.js';
import { createPost, createUser, type TestUser } from '../../helpers/factories.js';

describe('counters after a mix of actions', () => {
  const t = useTestApp();

  it('equal the live counts (post_stats and recounts)', async () => {
    const users: TestUser[] = [];
    for (let i = 0; i < 5; i++) users.push(await createUser(t));
    const req = (user: TestUser, method: 'POST' | 'DELETE', url: string, payload?: object) =>
      t.request({ method, url, token: user.token, ...(payload ? { payload } : {}) });

    const posts: Post[] = [];
    for (const [i, user] of users.entries()) {
      posts.push(
        (await createPost(t, user, {
          content: `p${i} $CNTA #cntb`,
          poll: { options: ['a', 'b'] },
        })) as unknown as Post,
      );
    }
    const comments: string[] = [];
    // in a fixed but irregular order: likes, comments, replies, reposts, quotes, votes, deletions
    let seed = 7;
    const pick = (n: number) => {
      seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31;
      return seed % n;
    };
    for (let step = 0; step < 60; step++) {
      const user = users[pick(5)]!;
      const post = posts[pick(5)]!;
      switch (step % 6) {
        case 0:
          await req(user, 'POST', `/posts/${post.id}/reactions`);
          break;
        case 1: {
          const parent =
            comments.length > 0 && step % 4 === 1 ? comments[comments.length - 1] : undefined;
          const res = await req(user, 'POST', `/posts/${post.id}/comments`, {
            content: `c${step}`,
            parent_id: parent,
          });
          if (res.statusCode === 201) comments.push(res.json().id);
          break;
        }
        case 2:
          await req(user, 'POST', `/posts/${post.id}/reposts`);
          break;
        case 3: {
          const res = await req(user, 'POST', `/posts/${post.id}/reposts`, {
            quote: `q${step} $CNTC`,
          });
          if (res.statusCode === 201) posts.push(res.json().post);
          break;
        }
        case 4:
          if (comments.length > 0) {
            await req(user, 'POST', `/comments/${comments[step % comments.length]}/reactions`);
          }
          await req(user, 'POST', `/polls/${post.poll!.id}/votes`, {
            option_id: post.poll!.options[step % 2]!.id,
          });
          break;
        default:
          await req(user, 'DELETE', `/posts/${post.id}/reposts`);
          if (step % 12 === 5 && comments.length > 2) {
            const victim = comments.splice(1, 1)[0]!;
            await t.db
              .updateTable('comments')
              .set({ deleted_at: new Date() })
              .where('id', '=', victim)
              .execute();
          }
      }
    }
    // delete a quote and an original with comments, likes and a poll
    await t.db
      .updateTable('posts')
      .set({ deleted_at: new Date() })
      .where('id', 'in', [posts[6]!.id, posts[2]!.id])
      .execute();

    // the counts as shown (column plus pending deltas, core/counters.ts): a write that found a
    // row held by another transaction (the activity write, a concurrent like) left a delta
    const mismatched = await sql`
      select s.post_id from post_stats s join posts p on p.id = s.post_id,
        lateral (select ${postCountsJson('p')} as c) shown
      where (s.reactions, s.comments, s.reposts, s.quotes)
        <> ((shown.c->>'reactions')::int, (shown.c->>'comments')::int,
          (shown.c->>'reposts')::int, (shown.c->>'quotes')::int)`.execute(t.db);
    expect(mismatched.rows).toEqual([]);
    const totals = await sql<{
      reactions: number;
      comments: number;
      reposts: number;
      quotes: number;
    }>`
      select sum(reactions)::int as reactions, sum(comments)::int as comments,
        sum(reposts)::int as reposts, sum(quotes)::int as quotes from post_stats`.execute(t.db);
    // the mix did happen: every kind of counter moved
    expect(
      Object.values(totals.rows[0]!).every((n) => n > 0),
      JSON.stringify(totals.rows[0]),
    ).toBe(true);

    const comment = await sql`
      select c.id from comments c
      where c.reactions_count <> (select count(*) from reactions r where r.comment_id = c.id)
         or c.replies_count <> (select count(*) from comments r where r.parent_id = c.id and r.deleted_at is null)`.execute(
      t.db,
    );
    expect(comment.rows).toEqual([]);
    const polls = await sql`
      select pl.id from polls pl
      where pl.total_votes <> (select count(*) from poll_votes v where v.poll_id = pl.id)
         or exists (select 1 from poll_options o
           where o.poll_id = pl.id and o.votes_count <> (select count(*) from poll_votes v where v.option_id = o.id))`.execute(
      t.db,
    );
    expect(polls.rows).toEqual([]);
    const tickers = await sql`
      select t.symbol from tickers t
      where t.post_count <> (select count(*) from post_tickers pt join posts p on p.id = pt.post_id
        where pt.symbol = t.symbol and p.deleted_at is null)`.execute(t.db);
    expect(tickers.rows).toEqual([]);
    const authors = await sql`
      select u.id from users u
      where ${userPostsCount('u')} <> (select count(*) from posts p where p.author_id = u.id and p.deleted_at is null)`.execute(
      t.db,
    );
    expect(authors.rows).toEqual([]);
  });
});
