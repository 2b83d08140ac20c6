import { sql } from 'kysely';
import type { Db } from '../../db/index.js';
import type { Cursor } from '../../lib/cursor.js';
import { notBlocked, visibleTo } from '../content-filters/visibility.js';
import { ensureTickers } from '../tickers/tickers.repository.js';
import { postColumns } from './posts.builder.js';
import type { Sentiment } from './posts.schemas.js';

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

/** A live post's id and author, or undefined (unknown or deleted). */
export async function findLivePost(db: Db, postId: string) {
  return db
    .selectFrom('posts')
    .select(['id', 'author_id'])
    .where('id', '=', postId)
    .where('deleted_at', 'is', null)
    .executeTakeFirst();
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

export interface PostListParams {
  viewerId: string | null;
  limit: number;
  cursor?: Cursor | undefined;
  offset?: number | undefined;
  /** An upper-case symbol: posts mentioning it (driven by the post_tickers index). */
  ticker?: string | undefined;
  authorId?: string | undefined;
  sentiment?: Sentiment | undefined;
  /**
   * Whose posts the viewer does not see: 'mutes-and-blocks' (GET /posts, ticker streams) or
   * 'blocks' (a user's own page still lists them when muted).
   */
  hide?: 'mutes-and-blocks' | 'blocks';
}

/**
 * limit+1 live posts, newest first, as PostRows (one statement). With a ticker the page is
 * read from post_tickers (symbol, created_at, post_id), whose created_at is the post's.
 */
export async function selectPostRows(db: Db, params: PostListParams) {
  return postRowsQuery(db, params).execute();
}

/**
 * The statement of selectPostRows, unexecuted. With an
 * offset, the skipped rows are chosen in a subquery of ids and only the page is built: the
 * Post columns of the outer select are computed for every row the LIMIT node reads, skipped
 * ones too (`offset=10000` took 2 s on the benchmark's data, against ~10 ms this way).
 */
export function postRowsQuery(db: Db, params: PostListParams) {
  const { viewerId, cursor, ticker } = params;
  const time = sql.ref(ticker ? 'pt.created_at' : 'posts.created_at');
  const id = sql.ref(ticker ? 'pt.post_id' : 'posts.id');
  const hide =
    params.hide === 'blocks'
      ? notBlocked(viewerId, 'posts.author_id')
      : visibleTo(viewerId, 'posts.author_id');
  const page = db
    .selectFrom('posts')
    .$if(ticker !== undefined, (qb) =>
      qb.innerJoin('post_tickers as pt', (join) =>
        join.onRef('pt.post_id', '=', 'posts.id').on('pt.symbol', '=', ticker!),
      ),
    )
    .where('posts.deleted_at', 'is', null)
    .$if(params.authorId !== undefined, (qb) => qb.where('posts.author_id', '=', params.authorId!))
    .$if(params.sentiment !== undefined, (qb) =>
      qb.where('posts.sentiment', '=', params.sentiment!),
    )
    .$if(cursor !== undefined, (qb) =>
      qb.where(sql<boolean>`(${time}, ${id}) < (${cursor!.t}::timestamptz, ${cursor!.id}::uuid)`),
    )
    .where(hide)
    .orderBy(time, 'desc')
    .orderBy(id, 'desc')
    // a literal, not a parameter: a prepared statement's generic plan then knows the page is
    // small (with an unknown limit it planned a sort of every post: 0.5 s), and PostgreSQL
    // can reuse that plan instead of planning each page (planning cost as much as running)
    .limit(sql.lit(params.limit + 1));
  if (!params.offset) return page.select(postColumns(viewerId));
  return db
    .selectFrom(
      page
        .select([sql<string>`posts.id`.as('page_id'), sql<Date>`${time}`.as('page_t')])
        .offset(params.offset)
        .as('page'),
    )
    .innerJoin('posts', 'posts.id', 'page.page_id')
    .select(postColumns(viewerId))
    .orderBy('page.page_t', 'desc')
    .orderBy('page.page_id', 'desc');
}
