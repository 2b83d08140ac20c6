import type { App } from '../../app.js';
import { UserIdParams } from '../../lib/schemas.js';
import { currentUserId } from '../../plugins/auth.js';
import { BlockState, ContentFilters, MuteState } from './content-filters.schemas.js';
import { getFilters, setFilter } from './content-filters.service.js';

const muteDescription =
  "Idempotent. A muted user's posts leave your feed, the post lists, ticker streams and " +
  'search; nothing else changes. 422 for yourself.';
const blockDescription =
  'Idempotent. Ends any follow between you, both ways; neither of you sees the other in ' +
  'feeds, lists or search, and they cannot follow you or act on your posts. 422 for yourself.';

export default async function contentFiltersRoutes(app: App) {
  for (const on of [true, false]) {
    const method = on ? 'post' : 'delete';
    app[method](
      '/users/:user_id/mute',
      {
        config: { auth: 'user' },
        schema: {
          operationId: on ? 'muteUser' : 'unmuteUser',
          summary: on ? 'Mute a user' : 'Unmute a user',
          description: muteDescription,
          tags: ['social'],
          params: UserIdParams,
          response: { 200: MuteState },
        },
      },
      async (request) => {
        await setFilter(app.db, currentUserId(request), request.params.user_id, 'mute', on);
        return { muted: on };
      },
    );

    app[method](
      '/users/:user_id/block',
      {
        config: { auth: 'user' },
        schema: {
          operationId: on ? 'blockUser' : 'unblockUser',
          summary: on ? 'Block a user' : 'Unblock a user',
          description: blockDescription,
          tags: ['social'],
          params: UserIdParams,
          response: { 200: BlockState },
        },
      },
      async (request) => {
        await setFilter(app.db, currentUserId(request), request.params.user_id, 'block', on);
        return { blocked: on };
      },
    );
  }

  app.get(
    '/content-filters',
    {
      config: { auth: 'user' },
      schema: {
        operationId: 'getContentFilters',
        summary: 'The users you muted and blocked',
        tags: ['social'],
        response: { 200: ContentFilters },
      },
    },
    async (request) => getFilters(app.db, currentUserId(request)),
  );
}
