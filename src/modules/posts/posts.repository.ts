import { sql } from 'kysely';
import type { Sentiment } from '../../core/posts.schemas.js';
import { ensureTickers } from '../../core/tickers.js';
import type { Db } from '../../db/index.js';

/**
 * The writes of a post. Its counters (the author's posts_count, each ticker's post_count, the
 * quoted post's quotes_count) follow in the same transaction through the triggers
 * `posts_counter` and `post_tickers_counter` (migration 0002); a quote notifies the quoted
 * author and an @mention the named users through `notify_quote` and `notify_mentions` (0012).
 */

export interface NewPostRow {
  authorId: string;
  content: string;
  sentiment: Sentiment | null;
  quotedPostId: string | null;
}

export async function insertPost(db: Db, post: NewPostRow) {
  return db
    .insertInto('posts')
    .values({
      author_id: post.authorId,
      content: post.content,
      sentiment: post.sentiment,
      quoted_post_id: post.quotedPostId,
    })
    .returning(['id', 'created_at'])
    .executeTakeFirstOrThrow();
}

/**
 * Creates the tickers a post mentions for the first time and links them. Rows go in sorted by
 * symbol: the counter trigger locks each ticker row, and two posts naming the same tickers
 * must take those locks in the same order or they could deadlock.
 * `symbols` is in order of first mention (that order becomes `position`).
 */
export async function linkTickers(
  db: Db,
  postId: string,
  createdAt: Date,
  symbols: readonly string[],
): Promise<void> {
  if (symbols.length === 0) return;
  const rows = symbols
    .map((symbol, position) => ({ post_id: postId, symbol, position, created_at: createdAt }))
    .sort((a, b) => (a.symbol < b.symbol ? -1 : a.symbol > b.symbol ? 1 : 0));
  await ensureTickers(db, symbols);
  await db.insertInto('post_tickers').values(rows).execute();
}

/**
 * Attaches the author's unattached uploads to a post, keeping the order given. Answers how
 * many were attached: fewer than asked means one is someone else's, unknown or taken (a
 * concurrent post that took it first makes `post_id is null` false once its lock is released).
 */
export async function attachMedia(
  db: Db,
  postId: string,
  ownerId: string,
  mediaIds: readonly string[],
): Promise<number> {
  if (mediaIds.length === 0) return 0;
  const result = await sql<{ id: string }>`
    update media set post_id = ${postId}, position = x.position
    from (
      select id::uuid as id, (ordinality - 1)::smallint as position
      from unnest(${sql.val([...mediaIds])}::text[]) with ordinality as u(id, ordinality)
    ) x
    where media.id = x.id and media.owner_id = ${ownerId} and media.post_id is null
    returning media.id
  `.execute(db);
  return result.rows.length;
}

export async function insertPoll(
  db: Db,
  postId: string,
  createdAt: Date,
  options: readonly string[],
  durationDays: number,
): Promise<void> {
  const poll = await db
    .insertInto('polls')
    .values({
      post_id: postId,
      expires_at: sql<Date>`${createdAt}::timestamptz + make_interval(days => ${durationDays})`,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  await db
    .insertInto('poll_options')
    .values(options.map((text, position) => ({ poll_id: poll.id, position, text })))
    .execute();
}

/** Soft delete; false when the post was already gone. */
export async function softDeletePost(db: Db, postId: string): Promise<boolean> {
  const result = await db
    .updateTable('posts')
    .set({ deleted_at: sql`now()` })
    .where('id', '=', postId)
    .where('deleted_at', 'is', null)
    .executeTakeFirst();
  return result.numUpdatedRows > 0n;
}
