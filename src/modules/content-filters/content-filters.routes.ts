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

/** Mute and block: the same two routes each, differing in these. */
const filters = [
  {
    type: 'mute',
    state: 'muted',
    schema: MuteState,
    verbs: ['Mute', 'Unmute'],
    operationIds: ['muteUser', 'unmuteUser'],
    description: muteDescription,
  },
  {
    type: 'block',
    state: 'blocked',
    schema: BlockState,
    verbs: ['Block', 'Unblock'],
    operationIds: ['blockUser', 'unblockUser'],
    description: blockDescription,
  },
] as const;

export default async function contentFiltersRoutes(app: App) {
  for (const filter of filters) {
    for (const on of [true, false]) {
      app[on ? 'post' : 'delete'](
        `/users/:user_id/${filter.type}`,
        {
          config: { auth: 'user' },
          schema: {
            operationId: filter.operationIds[on ? 0 : 1],
            summary: `${filter.verbs[on ? 0 : 1]} a user`,
            description: filter.description,
            tags: ['social'],
            params: UserIdParams,
            response: { 200: filter.schema },
          },
        },
        async (request) => {
          await setFilter(app.db, currentUserId(request), request.params.user_id, filter.type, on);
          return { [filter.state]: on } as Record<typeof filter.state, boolean>;
        },
      );
    }
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
