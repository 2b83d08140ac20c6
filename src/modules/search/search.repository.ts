import { type SqlBool, sql } from 'kysely';
import { userSummaryColumns } from '../../core/users.js';
import { visibleTo } from '../../core/visibility.js';
import type { Db } from '../../db/index.js';

/**
 * Search over users (username, display name) and tickers (symbol, name), ranked: 0 an exact
 * match ignoring case, 1 a prefix, 2 a trigram-similar string (pg_trgm `%`, similarity at
 * least 0.3: a one-letter typo in a word of five letters or more still matches).
 *
 * Each kind is two queries, each along its own index (migration 0006; measured in
 * docs/decisions.md "Social"): exact and prefix on `lower(col) text_pattern_ops` b-trees, and,
 * only when those leave room, the nearest similar strings by a GiST KNN scan (`<->`), which
 * stops after `limit` rows instead of scoring every row that shares a trigram.
 */

/** `%`, `_` and `\` are wildcards or the escape in LIKE: user input matches them literally. */
function escapeLike(value: string): string {
  return value.replace(/[\\%_]/g, '\\$&');
}

export interface SearchParams {
  term: string;
  viewerId: string | null;
  limit: number;
}

function userPrefixMatch(term: string) {
  const prefix = `${escapeLike(term.toLowerCase())}%`;
  return sql<SqlBool>`(lower(users.username) like ${prefix}
    or lower(users.display_name) like ${prefix})`;
}

/**
 * Past this many prefix matches a prefix is "common" (three letters can match a tenth of all
 * users): sorting every match by followers would read thousands of rows, so the most followed
 * are found by walking users_followers (0009) instead, which meets ten matches early.
 */
export const PREFIX_CANDIDATES = 200;

function exactMatch(term: string) {
  const lowered = term.toLowerCase();
  return sql<SqlBool>`(lower(users.username) = ${lowered} or lower(users.display_name) = ${lowered})`;
}

/**
 * Exact (rank 0) and prefix (rank 1) matches, most followed first within a rank. One
 * statement when the prefix is rare (all its matches ranked); when it is common, a second
 * one: the exact matches and the most followed prefix matches, each along its own index.
 */
export async function searchUsersByPrefix(db: Db, { term, viewerId, limit }: SearchParams) {
  const candidates = await db
    .with(
      (cte) => cte('candidates').materialized(),
      (qb) =>
        qb
          .selectFrom('users')
          .select([...userSummaryColumns, 'users.followers_count'])
          .select(exactMatch(term).as('exact'))
          .where('users.deleted_at', 'is', null)
          .where(userPrefixMatch(term))
          .where(visibleTo(viewerId, 'users.id'))
          .limit(sql.lit(PREFIX_CANDIDATES + 1)),
    )
    .selectFrom('candidates')
    .selectAll()
    .select(sql<number>`count(*) over ()`.as('matches'))
    .orderBy('exact', 'desc')
    .orderBy('followers_count', 'desc')
    .orderBy('username')
    .limit(sql.lit(limit))
    .execute();
  if ((candidates[0]?.matches ?? 0) <= PREFIX_CANDIDATES) return candidates;

  const exact = db
    .selectFrom('users')
    .select([...userSummaryColumns, 'users.followers_count', sql<number>`0`.as('rank')])
    .where('users.deleted_at', 'is', null)
    .where(exactMatch(term))
    .where(visibleTo(viewerId, 'users.id'))
    .limit(sql.lit(limit));
  const popular = db
    .selectFrom('users')
    .select([...userSummaryColumns, 'users.followers_count', sql<number>`1`.as('rank')])
    .where('users.deleted_at', 'is', null)
    .where(userPrefixMatch(term))
    .where(sql<SqlBool>`not ${exactMatch(term)}`)
    .where(visibleTo(viewerId, 'users.id'))
    .orderBy('users.followers_count', 'desc')
    .orderBy('users.username')
    .limit(sql.lit(limit));
  return db
    .selectFrom(
      db
        .selectFrom(exact.as('e'))
        .selectAll()
        .unionAll(db.selectFrom(popular.as('p')).selectAll())
        .as('ranked'),
    )
    .select(['id', 'username', 'display_name', 'profile_picture_url'])
    .orderBy('rank')
    .orderBy('followers_count', 'desc')
    .orderBy('username')
    .limit(sql.lit(limit))
    .execute();
}

/** Similar usernames and display names that are not prefix matches, closest first. */
export async function searchUsersBySimilarity(db: Db, { term, viewerId, limit }: SearchParams) {
  const nearest = (column: 'users.username' | 'users.display_name') =>
    db
      .selectFrom('users')
      .select(userSummaryColumns)
      .select([
        'users.followers_count',
        sql<number>`greatest(similarity(users.username, ${term}),
          similarity(users.display_name, ${term}))`.as('score'),
      ])
      .where('users.deleted_at', 'is', null)
      .where(sql<SqlBool>`${sql.ref(column)} % ${term}`)
      .where(sql<SqlBool>`not ${userPrefixMatch(term)}`)
      .where(visibleTo(viewerId, 'users.id'))
      .orderBy(sql`${sql.ref(column)} <-> ${term}`)
      .limit(sql.lit(limit));
  // union (not union all): a user close by both names comes once; each branch is a subquery
  // because a union's branches cannot carry their own order by and limit
  const byUsername = db.selectFrom(nearest('users.username').as('u')).selectAll();
  const byDisplayName = db.selectFrom(nearest('users.display_name').as('d')).selectAll();
  return db
    .selectFrom(byUsername.union(byDisplayName).as('similar'))
    .selectAll()
    .orderBy('score', 'desc')
    .orderBy('followers_count', 'desc')
    .orderBy('username')
    .limit(sql.lit(limit))
    .execute();
}

function tickerPrefixMatch(term: string) {
  const escaped = escapeLike(term);
  return sql<SqlBool>`(tickers.symbol like ${`${escaped.toUpperCase()}%`}
    or lower(tickers.name) like ${`${escaped.toLowerCase()}%`})`;
}

/** Exact (rank 0) and prefix (rank 1) matches of symbol or name, most mentioned first. */
export async function searchTickersByPrefix(db: Db, term: string, limit: number) {
  // `is true`: with no name the comparison is null, and nulls would sort first
  return db
    .selectFrom('tickers')
    .select(['tickers.symbol', 'tickers.name', 'tickers.post_count'])
    .where(tickerPrefixMatch(term))
    .orderBy(
      sql`(tickers.symbol = ${term.toUpperCase()}
        or lower(tickers.name) = ${term.toLowerCase()}) is true`,
      'desc',
    )
    .orderBy('tickers.post_count', 'desc')
    .orderBy('tickers.symbol')
    .limit(sql.lit(limit))
    .execute();
}

/** Similar symbols and names that are not prefix matches, closest first. */
export async function searchTickersBySimilarity(db: Db, term: string, limit: number) {
  const nearest = (column: 'tickers.symbol' | 'tickers.name') =>
    db
      .selectFrom('tickers')
      .select(['tickers.symbol', 'tickers.name', 'tickers.post_count'])
      .select(
        sql<number>`greatest(similarity(tickers.symbol, ${term}),
          coalesce(similarity(tickers.name, ${term}), 0))`.as('score'),
      )
      .where(sql<SqlBool>`${sql.ref(column)} % ${term}`)
      .where(sql<SqlBool>`not coalesce(${tickerPrefixMatch(term)}, false)`)
      .orderBy(sql`${sql.ref(column)} <-> ${term}`)
      .limit(sql.lit(limit));
  const bySymbol = db.selectFrom(nearest('tickers.symbol').as('s')).selectAll();
  const byName = db.selectFrom(nearest('tickers.name').as('n')).selectAll();
  return db
    .selectFrom(bySymbol.union(byName).as('similar'))
    .select(['symbol', 'name', 'post_count'])
    .orderBy('score', 'desc')
    .orderBy('post_count', 'desc')
    .orderBy('symbol')
    .limit(sql.lit(limit))
    .execute();
}
