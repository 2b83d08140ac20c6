import { type Static, Type } from 'typebox';
import { UserSummary } from '../../core/users.js';
import { Nullable, PageQuery, Text, Timestamp, Uuid } from '../../lib/schemas.js';

export const AuditAction = Type.Union([
  Type.Literal('suspend'),
  Type.Literal('unsuspend'),
  Type.Literal('delete_post'),
  Type.Literal('delete_comment'),
  Type.Literal('resolve_report'),
  Type.Literal('dismiss_report'),
]);

export const SuspendBody = Type.Object(
  {
    reason: Text({ maxLength: 2000, description: '1-500 characters: why (kept in the audit log)' }),
    until: Type.Optional(
      Type.String({
        format: 'date-time',
        description: 'when it lifts by itself (a future time); unset: until lifted',
      }),
    ),
  },
  { additionalProperties: false },
);
export type SuspendBody = Static<typeof SuspendBody>;

export const Suspended = Type.Object({
  suspended: Type.Literal(true),
  until: Nullable(Timestamp),
});
export const Lifted = Type.Object({ suspended: Type.Literal(false) });

export const UserIdParams = Type.Object({ user_id: Uuid });

export const AuditEntry = Type.Object(
  {
    id: Uuid,
    actor: UserSummary,
    action: AuditAction,
    target_type: Type.Union([
      Type.Literal('user'),
      Type.Literal('post'),
      Type.Literal('comment'),
      Type.Literal('report'),
    ]),
    target_id: Uuid,
    reason: Nullable(Type.String()),
    created_at: Timestamp,
  },
  { $id: 'AuditEntry', title: 'AuditEntry' },
);
export type AuditEntry = Static<typeof AuditEntry>;

export const AuditQuery = Type.Object({
  ...PageQuery,
  action: Type.Optional(AuditAction),
  actor_id: Type.Optional(Uuid),
  target_id: Type.Optional(Uuid),
});
export type AuditQuery = Static<typeof AuditQuery>;
