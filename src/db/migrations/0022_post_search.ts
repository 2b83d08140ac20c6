import { type Kysely, sql } from 'kysely';

/**
 * Full-text search of posts (GET /search/posts): `posts.search_vector`, a stored generated
 * column, and a GIN index on it. The vector is the English one of the text (stemmed:
 * `earnings` and `earning` share a lexeme) plus exact tokens the stemmer would cut up or
 * lose: `$tsla` for each `$TSLA` or `#TSLA` (the marker of docs/tickers.md, always `$`) and
 * `@alice` for each `@alice`. The search ANDs the ticker token with a check of post_tickers,
 * which stays the one record of which tickers a post mentions; the token only lets the GIN
 * index narrow the rows first.
 *
 * The function is immutable (a generated column requires it): the text search configuration
 * is named, never taken from the session.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  // the backfill of a large database outlasts the pool's statement timeout
  await sql`set local statement_timeout = '30min'`.execute(db);
  await sql`
    create function post_search_vector(content text) returns tsvector
    language sql immutable parallel safe as $$
      select to_tsvector('pg_catalog.english'::regconfig, content) || coalesce((
        select array_to_tsvector(array_agg(distinct tok))
        from (
          select '$' || lower(m[1]) as tok
          from regexp_matches(content,
            '(?<![[:alnum:]_])[$#]([A-Za-z]{1,5}(?:[.-][A-Za-z]{1,3})?)(?![[:alnum:]_])', 'g') as m
          union all
          select '@' || lower(m[1])
          from regexp_matches(content, '(?<![[:alnum:]_])@([A-Za-z0-9_]{3,30})(?![[:alnum:]_])', 'g') as m
        ) tokens
      ), ''::tsvector)
    $$;
    alter table posts add column search_vector tsvector
      generated always as (post_search_vector(content)) stored;
    create index posts_search on posts using gin (search_vector);
    -- the planner needs the lexemes' frequencies to choose between the GIN index (rare words)
    -- and the newest-first index (common ones); without them it guessed 5,000 rows for any word
    analyze posts;
  `.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`
    drop index if exists posts_search;
    alter table posts drop column if exists search_vector;
    drop function if exists post_search_vector(text);
  `.execute(db);
}
