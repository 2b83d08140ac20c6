import { type Kysely, sql } from 'kysely';

/**
 * `users.admin_until`: a user is an admin by their token (app_metadata.role = "admin") or by
 * ADMIN_USER_IDS until then. Those two ways are known to the API, not to SQL, and the lists
 * decide in SQL who sees a suspended author's content ("everyone but admins and the user":
 * core/visibility.ts authorLive). The auth hook records it when such an admin makes a request,
 * until the token expires, and clears it when that user comes with a token that is no longer
 * an admin's (docs/rules.md "Suspension"). users.is_admin stays the third way, set by hand.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`alter table users add column admin_until timestamptz`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`alter table users drop column admin_until`.execute(db);
}
