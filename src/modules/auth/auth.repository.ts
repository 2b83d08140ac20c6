import type { Db } from '../../db/index.js';

/** The caller's profile as the auth hooks need it, or undefined before onboarding. */
export async function findAccount(db: Db, userId: string) {
  return db
    .selectFrom('users')
    .select(['id', 'is_admin'])
    .where('id', '=', userId)
    .where('deleted_at', 'is', null)
    .executeTakeFirst();
}
