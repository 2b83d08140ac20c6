/**
 * Reading the counters that can have pending deltas (migration 0061, docs/decisions.md
 * "Counters under contention"): a post's reactions, comments, reposts and quotes, and a user's
 * posts_count. A counter trigger that finds the row held by another transaction appends its
 * change to post_counter_deltas / user_counter_deltas instead of waiting; the background step
 * folds them in (`foldCounterDeltas`). Every read adds the pending rows, so a count is exact
 * the moment its write commits, whether it was folded yet or not: read these counters only
 * through this file.
 */
import { type RawBuilder, sql } from 'kysely';
import type { Db } from '../db/index.js';

export interface PostCounts {
  reactions: number;
  comments: number;
  reposts: number;
  quotes: number;
}

/** A post's counts as one JSON object `{reactions, comments, reposts, quotes}`; `alias` is a posts row. */
export function postCountsJson(alias: string): RawBuilder<PostCounts> {
  const col = (name: string) => sql.ref(`${alias}.${name}`);
  return sql<PostCounts>`(
    select json_build_object(
      'reactions', ${col('reactions_count')} + coalesce(sum(d.reactions), 0),
      'comments', ${col('comments_count')} + coalesce(sum(d.comments), 0),
      'reposts', ${col('reposts_count')} + coalesce(sum(d.reposts), 0),
      'quotes', ${col('quotes_count')} + coalesce(sum(d.quotes), 0))
    from post_counter_deltas d where d.post_id = ${col('id')}
  )`;
}

/**
 * The pending deltas of every post, summed: left-join it on `post_id` where a query reads
 * the counters of many posts at once (a ranking), instead of one probe a post.
 */
export function pendingPostDeltas() {
  return sql<{ post_id: string; reactions: number; comments: number; reposts: number }>`(
    select post_id, sum(reactions)::integer as reactions, sum(comments)::integer as comments,
      sum(reposts)::integer as reposts
    from post_counter_deltas group by post_id
  )`;
}

/** One counter of one post, pending deltas included; undefined when the post is not there. */
export async function postCount(
  db: Db,
  postId: string,
  counter: 'reactions' | 'reposts',
): Promise<number | undefined> {
  const column = sql.ref(`p.${counter}_count`);
  const delta = sql.ref(`d.${counter}`);
  const { rows } = await sql<{ n: number }>`
    select ${column} + coalesce((
      select sum(${delta}) from post_counter_deltas d where d.post_id = p.id
    ), 0)::integer as n
    from posts p where p.id = ${postId}
  `.execute(db);
  return rows[0]?.n;
}

/** A user's live posts, pending deltas included; `alias` is a users row. */
export function userPostsCount(alias: string): RawBuilder<number> {
  const col = (name: string) => sql.ref(`${alias}.${name}`);
  return sql<number>`(${col('posts_count')} + coalesce((
    select sum(d.posts) from user_counter_deltas d where d.user_id = ${col('id')}
  ), 0))::integer`;
}

/**
 * Moves every pending delta into its counter, in one transaction (one caller at a time; a
 * second returns 0 at once). Answers the number of delta rows folded. Run by the background
 * step; safe to call any time, from any instance.
 */
export async function foldCounterDeltas(db: Db): Promise<number> {
  const { rows } = await sql<{ n: number }>`select fold_counter_deltas() as n`.execute(db);
  return rows[0]?.n ?? 0;
}
