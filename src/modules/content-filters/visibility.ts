import {
  type Expression,
  type ExpressionBuilder,
  type RawBuilder,
  type SqlBool,
  sql,
} from 'kysely';
import type { Db } from '../../db/index.js';
import type { DB } from '../../db/types.js';

/**
 * Mutes and blocks as anti-joins on content_filters' primary key (PERFORMANCE.md: no
 * measurable cost on a keyset page). API.md:
 * - a viewer never sees the content of users they muted or blocked;
 * - nor of users who blocked them.
 * `authorColumn` is the column holding the author's id in the query, e.g. 'posts.author_id'.
 */
export function visibleTo<DBX extends DB, TB extends keyof DBX>(
  viewerId: string | null,
  authorColumn: string,
): (eb: ExpressionBuilder<DBX, TB>) => Expression<SqlBool> {
  return () => visibleToSql(viewerId, authorColumn);
}

/** The condition of visibleTo as an SQL fragment, for queries written as raw SQL (the feed). */
export function visibleToSql(viewerId: string | null, authorColumn: string): RawBuilder<SqlBool> {
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

/**
 * Blocks only (both ways): for places where a mute changes nothing, such as a user's own
 * profile page, which still lists a muted user's posts.
 */
export function notBlocked<DBX extends DB, TB extends keyof DBX>(
  viewerId: string | null,
  authorColumn: string,
): (eb: ExpressionBuilder<DBX, TB>) => Expression<SqlBool> {
  return () => {
    if (!viewerId) return sql<SqlBool>`true`;
    const author = sql.ref(authorColumn);
    return sql<SqlBool>`not exists (
      select 1 from content_filters cf
      where cf.user_id = ${viewerId} and cf.target_id = ${author} and cf.type = 'block'
    ) and not exists (
      select 1 from content_filters cf
      where cf.user_id = ${author} and cf.target_id = ${viewerId} and cf.type = 'block'
    )`;
  };
}

/** Whether either of the two users blocked the other (API.md: 403 `blocked`). */
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
