import { Readable } from 'node:stream';
import { Type } from 'typebox';
import type { App } from '../../app-type.js';
import { currentUserId } from '../../plugins/auth.js';
import { EXPORT_EVERY_MINUTES, eraseMe, exportMe, startExport } from './account.service.js';

const EraseBody = Type.Object(
  { confirm: Type.String({ maxLength: 100, description: 'your own username, exactly' }) },
  { additionalProperties: false },
);

/** Export and erasure of one's own account (docs/rules.md "Export", "Erasure"). */
export default async function accountRoutes(app: App) {
  app.get(
    '/users/me/export',
    {
      config: { auth: 'user' },
      schema: {
        operationId: 'exportMe',
        summary: 'Download everything PageShare holds about you',
        description:
          'One JSON file, streamed: profile, posts (with their edit history, deleted ones ' +
          'too), comments, reactions, reposts, bookmarks, follows both ways, mutes, blocks, ' +
          'muted words, watchlist, interests, poll votes, notification settings, media (URLs) ' +
          `and reports filed. At most one per ${EXPORT_EVERY_MINUTES} minutes (429 with ` +
          'Retry-After). Other users appear only as their public summary.',
        tags: ['users'],
        response: {
          200: {
            description: 'the export, as an attachment',
            content: { 'application/json': { schema: { type: 'object' } } },
          },
        },
      },
    },
    async (request, reply) => {
      const userId = currentUserId(request);
      await startExport(app.db, userId, (seconds) => reply.header('retry-after', seconds));
      const day = new Date().toISOString().slice(0, 10);
      return reply
        .type('application/json; charset=utf-8')
        .header('content-disposition', `attachment; filename="pageshare-export-${day}.json"`)
        .header('cache-control', 'no-store')
        .send(Readable.from(exportMe(app.db, userId)));
    },
  );

  app.delete(
    '/users/me',
    {
      config: { auth: 'user', allowSuspended: true },
      schema: {
        operationId: 'eraseMe',
        summary: 'Erase your account',
        description:
          'Send `{ "confirm": "<your username>" }`. Your profile, sessions and settings are ' +
          'deleted; your posts and comments are deleted with their text erased; your reactions, ' +
          'reposts, bookmarks, follows (both ways), votes, mutes, blocks, muted words, watchlist ' +
          'and notifications are removed, and every count follows; your uploaded files are ' +
          'deleted. The metrics keep only counts. Afterwards the same token gets 403 ' +
          '`onboarding_required` and your username is free. This cannot be undone: download ' +
          'your data first (`GET /users/me/export`).',
        tags: ['users'],
        body: EraseBody,
        response: { 204: Type.Null({ description: 'erased' }) },
      },
    },
    async (request, reply) => {
      await eraseMe(
        { db: app.db, storage: app.storage, config: app.config, log: request.log },
        currentUserId(request),
        request.body.confirm,
      );
      return reply.status(204).send(null);
    },
  );
}
