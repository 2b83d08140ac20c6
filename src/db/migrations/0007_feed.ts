import { type Kysely, sql } from 'kysely';

/**
 * The users who blocked someone, for the following feed (docs/decisions.md "Feed"). Its
 * sources are the viewer's followees minus those the viewer may not see, among them the ones
 * who blocked the viewer: `content_filters (user_id, target_id, type)` can only answer that one
 * followee at a time, and the planner chose a sequential scan of the whole table instead
 * (1.5 ms of a 10 ms page on the benchmark's 15,000 filters, growing with the table).
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    create index content_filters_blocked_by on content_filters (target_id, user_id)
      where type = 'block';
  `.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`drop index if exists content_filters_blocked_by;`.execute(db);
}
