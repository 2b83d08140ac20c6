import { type Kysely, sql } from 'kysely';

/**
 * Indexes for search (docs/decisions.md "Social" has the measurements). Search asks two things
 * of each column, and the GIN trigram indexes of 0001 answer neither well:
 * - exact and prefix matches: `lower(col) like 'abc%'` can use a b-tree only with
 *   text_pattern_ops (under any collation other than C);
 * - the nearest similar strings: a GiST trigram index returns them in distance order
 *   (`order by col <-> term limit n`) and stops after n, where GIN must score every row that
 *   shares a trigram with the term and sort them.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    create index users_username_prefix on users (lower(username) text_pattern_ops)
      where deleted_at is null;
    create index users_display_name_prefix on users (lower(display_name) text_pattern_ops)
      where deleted_at is null;
    create index users_username_trgm_gist on users using gist (username gist_trgm_ops)
      where deleted_at is null;
    create index users_display_name_trgm_gist on users using gist (display_name gist_trgm_ops)
      where deleted_at is null;

    create index tickers_symbol_prefix on tickers (symbol text_pattern_ops);
    create index tickers_name_prefix on tickers (lower(name) text_pattern_ops)
      where name is not null;
    create index tickers_symbol_trgm_gist on tickers using gist (symbol gist_trgm_ops);
    create index tickers_name_trgm_gist on tickers using gist (name gist_trgm_ops)
      where name is not null;
  `.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`
    drop index if exists tickers_name_trgm_gist, tickers_symbol_trgm_gist, tickers_name_prefix,
      tickers_symbol_prefix, users_display_name_trgm_gist, users_username_trgm_gist,
      users_display_name_prefix, users_username_prefix;
  `.execute(db);
}
