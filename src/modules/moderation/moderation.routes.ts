import { Type } from 'typebox';
import type { App } from '../../app-type.js';
import { Page } from '../../lib/schemas.js';
import { currentUserId } from '../../plugins/auth.js';
import {
  AuditEntry,
  AuditQuery,
  Lifted,
  SuspendBody,
  Suspended,
  UserIdParams,
} from './moderation.schemas.js';
import {
  liftExpiredSuspensions,
  liftSuspension,
  listAudit,
  suspendUser,
} from './moderation.service.js';

export default async function moderationRoutes(app: App) {
  app.post(
    '/admin/users/:user_id/suspend',
    {
      config: { auth: 'admin' },
      schema: {
        operationId: 'suspendUser',
        summary: 'Suspend a user',
        description:
          "The user's posts and comments leave every list, count, stream, search and " +
          'trending figure for everyone but admins and the user; their writes get 403 ' +
          '`suspended` (reading, and private settings such as mutes, still work). `until` lifts ' +
          'it by itself (within a minute); without it, it lasts until lifted. Suspending again ' +
          'replaces the reason and the end. Recorded in the audit log.',
        tags: ['moderation'],
        params: UserIdParams,
        body: SuspendBody,
        response: { 200: Suspended },
      },
    },
    async (request) =>
      suspendUser(
        app.db,
        currentUserId(request),
        request.params.user_id,
        request.body,
        app.clock(),
      ),
  );

  app.delete(
    '/admin/users/:user_id/suspend',
    {
      config: { auth: 'admin' },
      schema: {
        operationId: 'liftSuspension',
        summary: 'Lift a suspension',
        description:
          'Everything comes back, counts included. Idempotent. Recorded in the audit log.',
        tags: ['moderation'],
        params: UserIdParams,
        response: { 200: Lifted },
      },
    },
    async (request) => liftSuspension(app.db, currentUserId(request), request.params.user_id),
  );

  app.get(
    '/admin/audit',
    {
      config: { auth: 'admin' },
      schema: {
        operationId: 'listAudit',
        summary: 'The audit log of moderation actions, newest first',
        description:
          'Suspensions and their lifting (an expired one names the admin who suspended, with ' +
          'the reason "expired"), posts and comments deleted by an admin, reports resolved or ' +
          'dismissed. Filters: `action`, `actor_id`, `target_id`.',
        tags: ['moderation'],
        querystring: AuditQuery,
        response: { 200: Page(AuditEntry) },
      },
    },
    async (request) => listAudit(app.db, request.query),
  );

  app.get(
    '/internal/cron/lift-suspensions',
    {
      config: { auth: 'cron' },
      schema: {
        operationId: 'cronLiftSuspensions',
        summary: 'Lift the suspensions that have expired (platform cron)',
        description:
          'For a platform cron where no process stays up (Vercel Cron): ' +
          '`Authorization: Bearer $CRON_SECRET`. A long-lived server does it by itself.',
        tags: ['moderation'],
        response: { 200: Type.Object({ lifted: Type.Integer() }) },
      },
    },
    async () => ({ lifted: await liftExpiredSuspensions(app.db) }),
  );
}
