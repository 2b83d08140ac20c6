import { sql } from 'kysely';
import type { Keyset } from '../../core/keyset.js';
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

/** A post as an edit needs it, locked until the transaction ends; undefined when not live. */
export async function lockPostForEdit(db: Db, postId: string) {
  const post = await db
    .selectFrom('posts')
    .select([
      'posts.id',
      'posts.author_id',
      'posts.content',
      'posts.sentiment',
      'posts.quoted_post_id',
      'posts.created_at',
    ])
    .where('posts.id', '=', postId)
    .where('posts.deleted_at', 'is', null)
    .forUpdate()
    .executeTakeFirst();
  if (!post) return undefined;
  // read after the lock, in a statement of its own: a subquery of the locking statement would
  // see the tickers as they were before an edit that committed while this one waited
  const extra = await db
    .selectFrom('posts')
    .select([
      sql<string[]>`array(select pt.symbol from post_tickers pt
        where pt.post_id = posts.id order by pt.position)`.as('tickers'),
      sql<boolean>`exists (select 1 from media m where m.post_id = posts.id)
        or exists (select 1 from polls pl where pl.post_id = posts.id)`.as('has_attachments'),
    ])
    .where('posts.id', '=', postId)
    .executeTakeFirstOrThrow();
  return { ...post, ...extra };
}

/** Keeps the version an edit replaces, with the time it was replaced. */
export async function insertEdit(
  db: Db,
  edit: {
    postId: string;
    content: string;
    sentiment: Sentiment | null;
    tickers: string[];
    editedAt: Date;
  },
): Promise<void> {
  await db
    .insertInto('post_edits')
    .values({
      post_id: edit.postId,
      content: edit.content,
      sentiment: edit.sentiment,
      tickers: edit.tickers,
      edited_at: edit.editedAt,
    })
    .execute();
}

export async function updatePostText(
  db: Db,
  postId: string,
  change: { content: string; sentiment: Sentiment | null; editedAt: Date },
): Promise<void> {
  await db
    .updateTable('posts')
    .set({
      content: change.content,
      sentiment: change.sentiment,
      edited_at: change.editedAt,
      edit_count: sql`edit_count + 1`,
    })
    .where('id', '=', postId)
    .execute();
}

/**
 * Makes a post's tickers exactly `symbols` (in order of first mention), keeping each kept
 * link's row. The ticker rows involved are locked first, in symbol order, so two edits (or an
 * edit and a new post) touching the same tickers cannot deadlock on the counter updates of
 * `post_tickers_counter`.
 */
export async function relinkTickers(
  db: Db,
  postId: string,
  createdAt: Date,
  before: readonly string[],
  symbols: readonly string[],
): Promise<void> {
  const removed = before.filter((s) => !symbols.includes(s));
  const added = symbols.filter((s) => !before.includes(s));
  if (removed.length === 0 && added.length === 0 && before.join() === symbols.join()) return;
  await ensureTickers(db, added);
  const touched = [...new Set([...before, ...symbols])].sort();
  await db
    .selectFrom('tickers')
    .select('symbol')
    .where('symbol', 'in', touched)
    .orderBy('symbol')
    .forNoKeyUpdate()
    .execute();
  if (removed.length) {
    await db
      .deleteFrom('post_tickers')
      .where('post_id', '=', postId)
      .where('symbol', 'in', removed)
      .execute();
  }
  // positions follow the new text; rows kept move to their new position
  for (const [position, symbol] of symbols.entries()) {
    if (before.includes(symbol)) {
      await db
        .updateTable('post_tickers')
        .set({ position })
        .where('post_id', '=', postId)
        .where('symbol', '=', symbol)
        .execute();
    }
  }
  const rows = added
    .map((symbol) => ({
      post_id: postId,
      symbol,
      position: symbols.indexOf(symbol),
      created_at: createdAt,
    }))
    .sort((a, b) => (a.symbol < b.symbol ? -1 : a.symbol > b.symbol ? 1 : 0));
  if (rows.length) await db.insertInto('post_tickers').values(rows).execute();
}

/** Versions an edit replaced, newest first (keyset on edited_at, id). */
export async function selectEdits(db: Db, postId: string, page: Keyset) {
  return db
    .selectFrom('post_edits')
    .select(['id', 'content', 'sentiment', 'tickers', 'edited_at'])
    .where('post_id', '=', postId)
    .where(page.after('edited_at', 'id'))
    .orderBy('edited_at', 'desc')
    .orderBy('id', 'desc')
    .limit(page.fetch)
    .execute();
}
