import { sql } from 'kysely';
import type { Keyset } from '../../core/keyset.js';
import { userSummaryOf } from '../../core/users.js';
import type { Db } from '../../db/index.js';
import type { AuditAction } from '../../db/types.js';

/**
 * Suspensions and the audit log (docs/rules.md "Suspension", "Moderation"). Suspending marks
 * the user's posts and comments `author_suspended` and lifting clears the mark: each row that
 * changes moves its counters once (the triggers of 0014), so a lift restores exactly what the
 * suspension took, and likes or comments on the hidden content are never touched.
 */

/** Locks the user's row for the rest of the transaction; undefined for an unknown user. */
export async function lockUser(db: Db, userId: string) {
  return db
    .selectFrom('users')
    .select(['id', 'suspended_at', 'suspended_until', 'suspended_by'])
    .where('id', '=', userId)
    .where('deleted_at', 'is', null)
    .forUpdate()
    .executeTakeFirst();
}

export async function markSuspended(
  db: Db,
  userId: string,
  values: { until: Date | null; reason: string; by: string },
): Promise<void> {
  await db
    .updateTable('users')
    .set({
      suspended_at: sql`coalesce(suspended_at, now())`,
      suspended_until: values.until,
      suspension_reason: values.reason,
      suspended_by: values.by,
    })
    .where('id', '=', userId)
    .execute();
  await setContentFlag(db, userId, true);
}

export async function clearSuspension(db: Db, userId: string): Promise<void> {
  await db
    .updateTable('users')
    .set({
      suspended_at: null,
      suspended_until: null,
      suspension_reason: null,
      suspended_by: null,
    })
    .where('id', '=', userId)
    .execute();
  await setContentFlag(db, userId, false);
}

/** The flag on every post and comment of the user (deleted ones too: they stay not live). */
async function setContentFlag(db: Db, userId: string, suspended: boolean): Promise<void> {
  await db
    .updateTable('posts')
    .set({ author_suspended: suspended })
    .where('author_id', '=', userId)
    .where('author_suspended', '=', !suspended)
    .execute();
  await db
    .updateTable('comments')
    .set({ author_suspended: suspended })
    .where('author_id', '=', userId)
    .where('author_suspended', '=', !suspended)
    .execute();
}

/** Suspensions whose `until` has passed, oldest first. */
export async function selectExpired(db: Db, limit: number) {
  return db
    .selectFrom('users')
    .select(['id', 'suspended_by'])
    .where('suspended_at', 'is not', null)
    .where('suspended_until', '<=', sql<Date>`now()`)
    .orderBy('suspended_until')
    .limit(limit)
    .execute();
}

export async function selectAudit(
  db: Db,
  filters: { action?: AuditAction; actorId?: string; targetId?: string },
  page: Keyset,
) {
  return db
    .selectFrom('audit_log as a')
    .select([
      'a.id',
      'a.action',
      'a.target_type',
      'a.target_id',
      'a.reason',
      'a.created_at',
      // an admin named by ADMIN_USER_IDS or a token claim may have no profile
      sql<unknown>`coalesce(${userSummaryOf('a.actor_id')}, json_build_object('id', a.actor_id,
          'username', 'admin', 'display_name', 'Admin (no profile)',
          'profile_picture_url', null))`.as('actor'),
    ])
    .$if(filters.action !== undefined, (qb) => qb.where('a.action', '=', filters.action!))
    .$if(filters.actorId !== undefined, (qb) => qb.where('a.actor_id', '=', filters.actorId!))
    .$if(filters.targetId !== undefined, (qb) => qb.where('a.target_id', '=', filters.targetId!))
    .where(page.after('a.created_at', 'a.id'))
    .orderBy('a.created_at', 'desc')
    .orderBy('a.id', 'desc')
    .limit(page.fetch)
    .execute();
}
