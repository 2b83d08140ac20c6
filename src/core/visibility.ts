import { type RawBuilder, type SqlBool, sql } from 'kysely';
import type { Db } from '../db/index.js';

/**
 * The viewer: a user id, or a SQL expression that gives one per row (the live streams judge
 * one new post for every connected viewer in one statement: src/modules/streams).
 */
export type Viewer = string | RawBuilder<string>;

/**
 * Who may see whose content (docs/rules.md "Mutes and blocks"), as SQL conditions on the
 * column that holds the author's id, usable in a Kysely `.where(...)` or inside raw SQL:
 * - `visibleTo`: the lists a mute hides (feeds, post lists, ticker streams, search): neither
 *   muted nor blocked by the viewer, nor blocking the viewer;
 * - `notBlocked`: everywhere else (profiles, comments, follower lists, bookmarks): a block
 *   either way hides, a mute does not.
 * Both are anti-joins on content_filters' primary key and content_filters_blocked_by (0007),
 * which cost nothing measurable on a keyset page (docs/performance.md). An anonymous viewer
 * sees everything.
 */
export function visibleTo(viewerId: Viewer | null, authorColumn: string): RawBuilder<SqlBool> {
  if (!viewerId) return sql<SqlBool>`true`;
  const author = sql.ref(authorColumn);
  return sql<SqlBool>`not exists (
    select 1 from content_filters cf
    where cf.user_id = ${viewerId} and cf.target_id = ${author}
  ) and not exists (
    select 1 from content_filters cf
    where cf.user_id = ${author} and cf.target_id = ${viewerId} and cf.type = 'block'
  )`;
}

export function notBlocked(viewerId: Viewer | null, authorColumn: string): RawBuilder<SqlBool> {
  if (!viewerId) return sql<SqlBool>`true`;
  const author = sql.ref(authorColumn);
  return sql<SqlBool>`not exists (
    select 1 from content_filters cf
    where cf.user_id = ${viewerId} and cf.target_id = ${author} and cf.type = 'block'
  ) and not exists (
    select 1 from content_filters cf
    where cf.user_id = ${author} and cf.target_id = ${viewerId} and cf.type = 'block'
  )`;
}

export interface PostVisibility {
  /**
   * false where a mute changes nothing (a user's own page, bookmarks): only blocks hide, and
   * muted words do not apply either
   */
  mutes?: boolean;
  /**
   * the ticker whose page or stream this is: a muted `$SYM` does not hide posts there (an
   * expression may give it per row; null there means no ticker)
   */
  ticker?: string | RawBuilder<string | null> | undefined;
}

/**
 * Whether the post under `alias` (e.g. 'posts', 'p') may show in a list the viewer reads:
 * the one condition every list of posts uses, so that whatever hides a post is added here
 * once. The author is neither muted (where mutes hide) nor blocked, either way, and the post
 * holds none of the viewer's muted words (docs/rules.md "Muted words"). Deleted posts are the
 * list's own condition (it reads a live-rows index).
 */
export function postVisible(
  alias: string,
  viewerId: Viewer | null,
  { mutes = true, ticker }: PostVisibility = {},
): RawBuilder<SqlBool> {
  const author = `${alias}.author_id`;
  const live = authorLive(alias, viewerId);
  if (!mutes || !viewerId) return sql<SqlBool>`${notBlocked(viewerId, author)} and ${live}`;
  return sql<SqlBool>`${visibleTo(viewerId, author)} and ${live}
    and ${contentVisible(alias, viewerId, ticker)}`;
}

/**
 * Whether the post or comment under `alias` shows despite a suspension (docs/rules.md
 * "Suspension"): a suspended author's content (`author_suspended`, set on the rows while the
 * suspension stands) is seen only by the author and by admins: users.is_admin, or an admin by
 * token or ADMIN_USER_IDS, which the auth hook records in users.admin_until (0062). Asked once
 * per statement. Anonymous viewers never see it.
 */
export function authorLive(alias: string, viewerId: Viewer | null): RawBuilder<SqlBool> {
  const suspended = sql.ref(`${alias}.author_suspended`);
  if (!viewerId) return sql<SqlBool>`not ${suspended}`;
  return sql<SqlBool>`(not ${suspended} or ${sql.ref(`${alias}.author_id`)} = ${viewerId}
    or exists (select 1 from users adm where adm.id = ${viewerId}
      and (adm.is_admin or adm.admin_until > now())))`;
}

/**
 * The part of postVisible about the post itself, for a list whose authors are already ones
 * the viewer may see (the following feed's own sources). The viewer's active muted words
 * (muted_words, 0013) against the post under `alias`:
 * - phrases: the viewer's phrases are folded into one tsquery (computed once per statement),
 *   and the post's text is parsed once (`simple` configuration: lower case, split on anything
 *   that is not a letter or digit, no stemming), so 100 words cost one parse a row;
 * - fragments (a muted text without a word in it, such as an emoji): a case-insensitive
 *   substring of the text;
 * - tickers (`$SYM`): the post mentions the ticker, except on that ticker's own page.
 * Each kind is gathered once per statement (uncorrelated subqueries, which PostgreSQL runs
 * once as init plans); a viewer without muted words pays three null checks a row.
 */
export function contentVisible(
  alias: string,
  viewerId: Viewer,
  ticker?: PostVisibility['ticker'],
): RawBuilder<SqlBool> {
  return textVisible(viewerId, sql.ref(`${alias}.content`), sql.ref(`${alias}.id`), ticker);
}

/**
 * contentVisible for any text: a post's (`postId` set: its tickers are those of post_tickers)
 * or a comment's (`postId` null: a `$SYM` is looked for in the text itself, as the ticker
 * rule of docs/tickers.md finds it).
 */
export function textVisible(
  viewerId: Viewer,
  text: RawBuilder<string> | ReturnType<typeof sql.ref>,
  postId: RawBuilder<string> | ReturnType<typeof sql.ref> | null,
  ticker?: PostVisibility['ticker'],
): RawBuilder<SqlBool> {
  const mine = activeMutedWords(viewerId);
  const symbols = sql`(select array_agg(mw.symbol) from muted_words mw
    where ${mine} and mw.symbol is not null ${
      ticker === undefined
        ? sql``
        : typeof ticker === 'string'
          ? sql`and mw.symbol <> ${ticker}`
          : sql`and mw.symbol is distinct from ${ticker}`
    })`;
  // `offset 0`: without it PostgreSQL may hash every post_tickers row of the muted symbols
  // once, instead of probing the rows the page reads (docs/performance.md "Muted words")
  const mentions = postId
    ? sql`exists (select 1 from post_tickers pt
        where pt.post_id = ${postId} and pt.symbol = any(${symbols}::text[]) offset 0)`
    : sql`exists (select 1 from unnest(${symbols}) s
        where ${text} ~* ('(^|[^[:alnum:]_])[$#]' || replace(s, '.', '\.') || '($|[^[:alnum:]_])'))`;
  return sql<SqlBool>`${wordsVisible(viewerId, text)}
    and not (${symbols} is not null and ${mentions})`;
}

function activeMutedWords(viewerId: Viewer) {
  return sql`mw.user_id = ${viewerId} and (mw.expires_at is null or mw.expires_at > now())`;
}

/**
 * The text part of the muted words: the text holds none of the viewer's active phrases and
 * fragments (tickers are textVisible's other part). The live streams ask only this of the
 * database; they match muted tickers against a post's tickers themselves.
 */
export function wordsVisible(
  viewerId: Viewer,
  text: RawBuilder<string> | ReturnType<typeof sql.ref>,
): RawBuilder<SqlBool> {
  const mine = activeMutedWords(viewerId);
  const phrases = sql`(select tsquery_or_all(mw.query) from muted_words mw
    where ${mine} and mw.query is not null)`;
  const fragments = sql`(select array_agg(mw.fragment) from muted_words mw
    where ${mine} and mw.fragment is not null)`;
  // "has phrases" as a probe, not as `${phrases} is null`: PostgreSQL runs each init plan
  // where it is written, so the fold (0.5 ms for 100 phrases) ran twice a statement
  const hasPhrases = sql`exists (select 1 from muted_words mw where ${mine} and mw.query is not null)`;
  return sql<SqlBool>`(not ${hasPhrases} or not (to_tsvector('simple', ${text}) @@ ${phrases}))
    and not (${fragments} is not null and exists (
      select 1 from unnest(${fragments}) f where strpos(lower(${text}), f) > 0))`;
}

/** Whether either of the two users blocked the other. */
export async function blockExists(db: Db, a: string, b: string): Promise<boolean> {
  const row = await db
    .selectFrom('content_filters')
    .select('user_id')
    .where('type', '=', 'block')
    .where((eb) =>
      eb.or([
        eb.and([eb('user_id', '=', a), eb('target_id', '=', b)]),
        eb.and([eb('user_id', '=', b), eb('target_id', '=', a)]),
      ]),
    )
    .limit(sql.lit(1))
    .executeTakeFirst();
  return row !== undefined;
}
