import { type Kysely, sql } from 'kysely';

/**
 * Drops the GIN trigram indexes of 0001. Search reads the GiST trigram and prefix indexes of
 * 0006 (which return the nearest matches in order and stop); on the benchmark's data set these
 * four had no scan at all, across prefix and typo searches, while every new user, profile
 * change and ticker still paid to maintain them.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    drop index if exists users_username_trgm, users_display_name_trgm, tickers_symbol_trgm,
      tickers_name_trgm;
  `.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`
    create index users_username_trgm on users using gin (username gin_trgm_ops)
      where deleted_at is null;
    create index users_display_name_trgm on users using gin (display_name gin_trgm_ops)
      where deleted_at is null;
    create index tickers_symbol_trgm on tickers using gin (symbol gin_trgm_ops);
    create index tickers_name_trgm on tickers using gin (name gin_trgm_ops) where name is not null;
  `.execute(db);
}
