import { type Static, Type } from 'typebox';
import { UserSummary } from '../../core/users.js';
import { Nullable, PageQuery, Text, Timestamp, Uuid } from '../../lib/schemas.js';

export const ReportTargetType = Type.Union([
  Type.Literal('post'),
  Type.Literal('comment'),
  Type.Literal('user'),
]);
export const ReportReason = Type.Union([
  Type.Literal('spam'),
  Type.Literal('harassment'),
  Type.Literal('hate'),
  Type.Literal('misinformation'),
  Type.Literal('scam'),
  Type.Literal('impersonation'),
  Type.Literal('other'),
]);
export const ReportStatus = Type.Union([
  Type.Literal('open'),
  Type.Literal('resolved'),
  Type.Literal('dismissed'),
]);

export const NewReport = Type.Object({
  target_type: ReportTargetType,
  target_id: Uuid,
  reason: ReportReason,
  details: Type.Optional(Text({ maxLength: 4000, description: '0-1000 characters' })),
});
export type NewReport = Static<typeof NewReport>;

export const ReportCreated = Type.Object({
  id: Uuid,
  status: Type.Literal('open'),
  created_at: Timestamp,
});

export const Report = Type.Object({
  id: Uuid,
  reporter: Nullable(UserSummary),
  target_type: ReportTargetType,
  target_id: Uuid,
  target_preview: Nullable(
    Type.String({
      description: "the first 200 characters of the reported post or comment, or the user's @name",
    }),
  ),
  target_deleted: Type.Boolean({ description: 'the target was deleted since it was reported' }),
  reason: ReportReason,
  details: Nullable(Type.String()),
  status: ReportStatus,
  resolution_note: Nullable(Type.String()),
  resolved_by: Nullable(Uuid),
  resolved_at: Nullable(Timestamp),
  created_at: Timestamp,
  updated_at: Timestamp,
});
export type Report = Static<typeof Report>;

export const ReportsQuery = Type.Object({
  ...PageQuery,
  status: Type.Optional(ReportStatus),
  target_type: Type.Optional(ReportTargetType),
});
export type ReportsQuery = Static<typeof ReportsQuery>;

export const ReportDecision = Type.Object({
  status: Type.Union([Type.Literal('resolved'), Type.Literal('dismissed')]),
  resolution_note: Type.Optional(Text({ maxLength: 4000, description: '0-1000 characters' })),
  action: Type.Optional(
    Type.Union(
      [Type.Literal('none'), Type.Literal('delete_content'), Type.Literal('suspend_user')],
      {
        description:
          'applied in the same request: `delete_content` deletes the reported post or comment ' +
          '(not for a reported user); `suspend_user` suspends the reported user, or the author ' +
          'of the reported post or comment, until lifted (needs `reason`). Default `none`.',
      },
    ),
  ),
  reason: Type.Optional(
    Text({ maxLength: 2000, description: '1-500 characters: why; needed with suspend_user' }),
  ),
});
export type ReportDecision = Static<typeof ReportDecision>;
