import { type RawBuilder, type SqlBool, sql } from 'kysely';
import type { Db } from '../db/index.js';

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
export function visibleTo(viewerId: string | null, authorColumn: string): RawBuilder<SqlBool> {
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

export function notBlocked(viewerId: string | null, authorColumn: string): RawBuilder<SqlBool> {
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
  /** false where a mute changes nothing (a user's own page, bookmarks): only blocks hide */
  mutes?: boolean;
  /** the ticker whose page or stream this is (a muted `$SYM` will not hide posts there) */
  ticker?: string | undefined;
}

/**
 * Whether the post under `alias` (e.g. 'posts', 'p') may show in a list the viewer reads:
 * the one condition every list of posts uses, so that whatever else comes to hide a post is
 * added here once. Today: the author is neither muted (where mutes hide) nor blocked, either
 * way. Deleted posts are the list's own condition (it reads a live-rows index).
 */
export function postVisible(
  alias: string,
  viewerId: string | null,
  { mutes = true }: PostVisibility = {},
): RawBuilder<SqlBool> {
  const author = `${alias}.author_id`;
  return mutes ? visibleTo(viewerId, author) : notBlocked(viewerId, author);
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
