import { type RawBuilder, type SqlBool, sql } from 'kysely';
import type { Keyset, RankedCursor } from '../../core/keyset.js';
import { postJson } from '../../core/posts.view.js';
import { postVisible } from '../../core/visibility.js';
import { type Db, PLAN_EACH_TIME } from '../../db/index.js';
import type { PostSearch } from './post-search.parser.js';

/**
 * The SQL of GET /search/posts. The text of the query reaches PostgreSQL only as values of
 * plainto_tsquery / phraseto_tsquery (which read any text, never a syntax error) and as exact
 * tokens the parser checked (`$sym`, `@user`), quoted here as tsquery literals: user input
 * cannot make a tsquery that fails to parse.
 */

const english = sql`'pg_catalog.english'::regconfig`;

/** The tsquery of the search, or undefined when it has no text part. */
export function searchTsquery(s: PostSearch): RawBuilder<string> | undefined {
  const parts: RawBuilder<string>[] = [];
  if (s.words.length) parts.push(sql`plainto_tsquery(${english}, ${s.words.join(' ')})`);
  for (const p of s.phrases) parts.push(sql`phraseto_tsquery(${english}, ${p})`);
  // exact tokens of 0022: symbols are [A-Z.-], usernames [a-z0-9_] (checked by the parser)
  for (const t of s.tickers) parts.push(sql`${`'$${t.toLowerCase()}'`}::tsquery`);
  for (const m of s.mentions) parts.push(sql`${`'@${m}'`}::tsquery`);
  for (const w of s.notWords) parts.push(sql`!! plainto_tsquery(${english}, ${w})`);
  for (const p of s.notPhrases) parts.push(sql`!! phraseto_tsquery(${english}, ${p})`);
  if (!parts.length) return undefined;
  return sql<string>`(${sql.join(parts, sql` && `)})`;
}

/**
 * Every condition of the search on `posts` but visibility (the list adds postVisible). The
 * statement is planned with its values each time (PLAN_EACH_TIME): a rare word is read
 * through the GIN index, a common one along the newest-first index.
 */
export function searchMatch(s: PostSearch): RawBuilder<SqlBool> {
  const conditions: RawBuilder<SqlBool>[] = [];
  const tsq = searchTsquery(s);
  if (tsq) conditions.push(sql`posts.search_vector @@ ${tsq}`);
  // the token narrows through the GIN index; post_tickers says which tickers a post mentions
  for (const symbol of s.tickers) {
    conditions.push(
      sql`exists (select 1 from post_tickers st where st.post_id = posts.id and st.symbol = ${symbol})`,
    );
  }
  if (s.from !== undefined) {
    conditions.push(
      sql`posts.author_id = (select u.id from users u where lower(u.username) = ${s.from})`,
    );
  }
  if (s.sentiment) conditions.push(sql`posts.sentiment = ${s.sentiment}`);
  if (s.since) conditions.push(sql`posts.created_at >= ${s.since}`);
  if (s.until) conditions.push(sql`posts.created_at < ${s.until}`);
  if (s.hasMedia) conditions.push(sql`exists (select 1 from media m where m.post_id = posts.id)`);
  if (s.hasPoll) conditions.push(sql`exists (select 1 from polls pl where pl.post_id = posts.id)`);
  const plan = sql.raw(PLAN_EACH_TIME);
  if (!conditions.length) return sql<SqlBool>`${plan} true`;
  return sql<SqlBool>`${plan} (${sql.join(conditions, sql` and `)})`;
}

/**
 * Relevance ranks (ts_rank) the newest RELEVANCE_CANDIDATES matches: past that, ranking every
 * match of a common word costs a read of each ("earnings" matches 29,513 posts of the
 * benchmark's million: 0.7 s; the newest 1,000 took 60 ms of one core, the newest 200 under
 * 10 ms: bench/results/2026-12-07-signals.md). The first page
 * fixes the candidates' lower bound (the (time, id) of the oldest candidate), and later pages
 * rank the matches from that bound on, so the set a cursor walks only grows by posts newer
 * than the first page: a page after the cursor repeats and skips nothing.
 */
export const RELEVANCE_CANDIDATES = 200;

export interface RankedRowsParams {
  search: PostSearch;
  viewerId: string | null;
  page: Keyset;
  cursor: RankedCursor | undefined;
}

export function rankedPostRowsQuery(db: Db, { search, viewerId, page, cursor }: RankedRowsParams) {
  const tsq = searchTsquery(search) ?? sql<string>`''::tsquery`;
  const first = cursor === undefined;
  const fromBound = cursor?.bound
    ? sql`and (posts.created_at, posts.id) >= (${cursor.bound.t}::timestamptz, ${cursor.bound.id}::uuid)`
    : sql``;
  const candidates = sql<{ id: string; t: Date; rank: number }>`(
    select posts.id, posts.created_at as t, ts_rank(posts.search_vector, ${tsq}) as rank
    from posts
    where posts.deleted_at is null and ${searchMatch(search)} and ${postVisible('posts', viewerId)}
      ${fromBound}
    order by posts.created_at desc, posts.id desc
    ${first ? sql`limit ${sql.lit(RELEVANCE_CANDIDATES)}` : sql``})`;
  const after = cursor
    ? sql<SqlBool>`(c.rank, c.t, c.id) < (${cursor.rank}::real, ${cursor.t}::timestamptz, ${cursor.id}::uuid)`
    : sql<SqlBool>`true`;
  return db
    .with('c', () => candidates)
    .selectFrom('c')
    .innerJoin('posts', 'posts.id', 'c.id')
    .select([
      postJson(viewerId).as('post_json'),
      sql<string>`posts.id`.as('id'),
      sql<Date>`posts.created_at`.as('created_at'),
      sql<string>`c.rank::text`.as('rank_text'),
      sql<number>`(select count(*) from c)::integer`.as('candidates'),
      sql<Date>`(select c2.t from c c2 order by c2.t, c2.id limit 1)`.as('bound_t'),
      sql<string>`(select c2.id from c c2 order by c2.t, c2.id limit 1)`.as('bound_id'),
    ])
    .where(after)
    .orderBy(sql`c.rank`, 'desc')
    .orderBy(sql`c.t`, 'desc')
    .orderBy(sql`c.id`, 'desc')
    .limit(page.fetch);
}
