import type { Db } from '../db/index.js';
import type { AuditAction, AuditLogTable } from '../db/types.js';

/**
 * The audit log of moderation actions (docs/rules.md "Moderation"): written with the same
 * connection, hence in the same transaction, as the action it records, so that an action and
 * its entry exist together or not at all. Every module that lets an admin act on someone
 * else's account or content records here.
 */
export interface AuditEntryInput {
  actorId: string;
  action: AuditAction;
  targetType: AuditLogTable['target_type'];
  targetId: string;
  reason?: string | null;
}

export async function recordAudit(db: Db, entry: AuditEntryInput): Promise<void> {
  await db
    .insertInto('audit_log')
    .values({
      actor_id: entry.actorId,
      action: entry.action,
      target_type: entry.targetType,
      target_id: entry.targetId,
      reason: entry.reason ?? null,
    })
    .execute();
}
