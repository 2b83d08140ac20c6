import type { Db } from '../../db/index.js';
import { userSummaryColumns } from '../users/users.summary.js';

export type FilterType = 'mute' | 'block';

/**
 * Locks the two users' rows in id order (as the follows counter trigger does) and says which
 * of them exist. A follow and a block between the same two users both start here, so they run
 * one after the other: a follow can never slip in beside a block that is being written.
 */
export async function lockUserPair(db: Db, a: string, b: string): Promise<Set<string>> {
  const rows = await db
    .selectFrom('users')
    .select('id')
    .where('id', 'in', [a, b])
    .where('deleted_at', 'is', null)
    .orderBy('id')
    .forUpdate()
    .execute();
  return new Set(rows.map((row) => row.id));
}

export async function insertFilter(
  db: Db,
  userId: string,
  targetId: string,
  type: FilterType,
): Promise<void> {
  await db
    .insertInto('content_filters')
    .values({ user_id: userId, target_id: targetId, type })
    .onConflict((oc) => oc.doNothing())
    .execute();
}

export async function deleteFilter(
  db: Db,
  userId: string,
  targetId: string,
  type: FilterType,
): Promise<void> {
  await db
    .deleteFrom('content_filters')
    .where('user_id', '=', userId)
    .where('target_id', '=', targetId)
    .where('type', '=', type)
    .execute();
}

/** The users a user muted and blocked, newest first; deleted users are left out. */
export async function listFilters(db: Db, userId: string) {
  return db
    .selectFrom('content_filters')
    .innerJoin('users', 'users.id', 'content_filters.target_id')
    .select([...userSummaryColumns, 'content_filters.type'])
    .where('content_filters.user_id', '=', userId)
    .where('users.deleted_at', 'is', null)
    .orderBy('content_filters.created_at', 'desc')
    .orderBy('content_filters.target_id', 'desc')
    .execute();
}
