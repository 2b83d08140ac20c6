import type { App } from '../../app-type.js';
import { UserIdParams } from '../../lib/schemas.js';
import { currentUserId } from '../../plugins/auth.js';
import { BlockState, ContentFilters, MuteState } from './social.schemas.js';
import { getFilters, setFilter } from './social.service.js';

const muteDescription =
  "Idempotent. A muted user's posts leave your feed, the post lists, ticker streams and " +
  'search; nothing else changes. 422 for yourself.';
const blockDescription =
  'Idempotent. Ends any follow between you, both ways; neither of you sees the other in ' +
  'feeds, lists or search, and they cannot follow you or act on your posts. 422 for yourself.';

/** Mutes and blocks, and the list of both. */
export default async function filtersRoutes(app: App) {
  app.post(
    '/users/:user_id/mute',
    {
      config: { auth: 'user', allowSuspended: true },
      schema: {
        operationId: 'muteUser',
        summary: 'Mute a user',
        description: muteDescription,
        tags: ['social'],
        params: UserIdParams,
        response: { 200: MuteState },
      },
    },
    async (request) => {
      await setFilter(app.db, currentUserId(request), request.params.user_id, 'mute', true);
      return { muted: true };
    },
  );

  app.delete(
    '/users/:user_id/mute',
    {
      config: { auth: 'user', allowSuspended: true },
      schema: {
        operationId: 'unmuteUser',
        summary: 'Unmute a user',
        description: muteDescription,
        tags: ['social'],
        params: UserIdParams,
        response: { 200: MuteState },
      },
    },
    async (request) => {
      await setFilter(app.db, currentUserId(request), request.params.user_id, 'mute', false);
      return { muted: false };
    },
  );

  app.post(
    '/users/:user_id/block',
    {
      config: { auth: 'user', allowSuspended: true },
      schema: {
        operationId: 'blockUser',
        summary: 'Block a user',
        description: blockDescription,
        tags: ['social'],
        params: UserIdParams,
        response: { 200: BlockState },
      },
    },
    async (request) => {
      await setFilter(app.db, currentUserId(request), request.params.user_id, 'block', true);
      return { blocked: true };
    },
  );

  app.delete(
    '/users/:user_id/block',
    {
      config: { auth: 'user', allowSuspended: true },
      schema: {
        operationId: 'unblockUser',
        summary: 'Unblock a user',
        description: blockDescription,
        tags: ['social'],
        params: UserIdParams,
        response: { 200: BlockState },
      },
    },
    async (request) => {
      await setFilter(app.db, currentUserId(request), request.params.user_id, 'block', false);
      return { blocked: false };
    },
  );

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
