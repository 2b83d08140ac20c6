import { recordAudit } from '../../core/audit.js';
import { inTransaction } from '../../core/content.js';
import { keyset, type PageResult } from '../../core/keyset.js';
import type { UserSummary } from '../../core/users.js';
import type { Db } from '../../db/index.js';
import { invalid, notFound } from '../../lib/errors.js';
import { cleanText } from '../../lib/text.js';
import {
  clearSuspension,
  lockUser,
  markSuspended,
  selectAudit,
  selectExpired,
} from './moderation.repository.js';
import type { AuditEntry, AuditQuery, SuspendBody } from './moderation.schemas.js';

/**
 * Suspension (docs/rules.md "Suspension"): the user's posts and comments leave every list,
 * count, stream, search and trending figure for everyone but admins and the user, and the
 * user's writes get 403 `suspended` (the auth plugin), until it is lifted by an admin or its
 * `until` passes (liftExpiredSuspensions, run by the scheduler and the cron route). Each step
 * and its audit entry are one transaction. Suspending again changes the reason and the end.
 */
export async function suspendUser(
  db: Db,
  adminId: string,
  userId: string,
  body: SuspendBody,
  now: Date,
): Promise<{ suspended: true; until: string | null }> {
  const reason = cleanText(body.reason, 'reason', { min: 1, max: 500 });
  const until = body.until === undefined ? null : new Date(body.until);
  if (until && until.getTime() <= now.getTime()) {
    throw invalid('until', 'must be a time in the future');
  }
  if (userId.toLowerCase() === adminId.toLowerCase()) {
    throw invalid('user_id', 'must be another user than yourself');
  }
  await inTransaction(db, async (trx) => {
    if (!(await lockUser(trx, userId))) throw notFound('user');
    await markSuspended(trx, userId, { until, reason, by: adminId });
    await recordAudit(trx, {
      actorId: adminId,
      action: 'suspend',
      targetType: 'user',
      targetId: userId,
      reason,
    });
  });
  return { suspended: true, until: until?.toISOString() ?? null };
}

export async function liftSuspension(
  db: Db,
  adminId: string,
  userId: string,
  reason: string | null = null,
): Promise<{ suspended: false }> {
  await inTransaction(db, async (trx) => {
    const user = await lockUser(trx, userId);
    if (!user) throw notFound('user');
    if (!user.suspended_at) return; // idempotent: nothing to lift, nothing to record
    await clearSuspension(trx, userId);
    await recordAudit(trx, {
      actorId: adminId,
      action: 'unsuspend',
      targetType: 'user',
      targetId: userId,
      reason,
    });
  });
  return { suspended: false };
}

/**
 * Lifts the suspensions whose `until` has passed, in batches; the audit entry names the admin
 * who suspended, with the reason "expired". Several instances may run it at once: each lift
 * locks the user's row and re-reads it, so a suspension is lifted once.
 */
export async function liftExpiredSuspensions(db: Db, batch = 100): Promise<number> {
  let lifted = 0;
  for (;;) {
    const due = await selectExpired(db, batch);
    for (const row of due) {
      await inTransaction(db, async (trx) => {
        const user = await lockUser(trx, row.id);
        if (!user?.suspended_at || !user.suspended_until) return;
        if (user.suspended_until.getTime() > Date.now()) return;
        await clearSuspension(trx, row.id);
        await recordAudit(trx, {
          actorId: user.suspended_by ?? row.id,
          action: 'unsuspend',
          targetType: 'user',
          targetId: row.id,
          reason: 'expired',
        });
        lifted += 1;
      });
    }
    if (due.length < batch) return lifted;
  }
}

export async function listAudit(db: Db, query: AuditQuery): Promise<PageResult<AuditEntry>> {
  const page = keyset(query);
  const rows = await selectAudit(
    db,
    {
      ...(query.action ? { action: query.action } : {}),
      ...(query.actor_id ? { actorId: query.actor_id } : {}),
      ...(query.target_id ? { targetId: query.target_id } : {}),
    },
    page,
  );
  return page.page(
    rows,
    (row) => ({ t: row.created_at, id: row.id }),
    (row) => ({
      id: row.id,
      actor: row.actor as UserSummary,
      action: row.action,
      target_type: row.target_type,
      target_id: row.target_id,
      reason: row.reason,
      created_at: row.created_at.toISOString(),
    }),
  );
}
