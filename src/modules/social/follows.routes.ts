import type { App } from '../../app-type.js';
import { UserIdParams } from '../../lib/schemas.js';
import { currentUserId, viewerId } from '../../plugins/auth.js';
import { FollowListQuery, FollowState, UserSummaryPage } from './social.schemas.js';
import { follow, followList, unfollow } from './social.service.js';

const listDescription =
  'Newest follow first. Users you blocked, or who blocked you, are left out; a mute does not ' +
  'hide anyone here.';

export default async function followsRoutes(app: App) {
  app.post(
    '/users/:user_id/follow',
    {
      config: { auth: 'user' },
      schema: {
        operationId: 'followUser',
        summary: 'Follow a user',
        description:
          'Idempotent. 422 for yourself, 403 `blocked` when either of you blocked the other.',
        tags: ['social'],
        params: UserIdParams,
        response: { 200: FollowState },
      },
    },
    async (request) => follow(app.db, currentUserId(request), request.params.user_id),
  );

  app.delete(
    '/users/:user_id/follow',
    {
      config: { auth: 'user', allowSuspended: true },
      schema: {
        operationId: 'unfollowUser',
        summary: 'Unfollow a user',
        description: 'Idempotent: answers 200 whether or not you followed them.',
        tags: ['social'],
        params: UserIdParams,
        response: { 200: FollowState },
      },
    },
    async (request) => unfollow(app.db, currentUserId(request), request.params.user_id),
  );

  app.get(
    '/users/:user_id/followers',
    {
      config: { auth: 'public' },
      schema: {
        operationId: 'listFollowers',
        summary: "A user's followers",
        description: listDescription,
        tags: ['social'],
        params: UserIdParams,
        querystring: FollowListQuery,
        response: { 200: UserSummaryPage },
      },
    },
    async (request) =>
      followList(app.db, 'followers', request.params.user_id, viewerId(request), request.query),
  );

  app.get(
    '/users/:user_id/following',
    {
      config: { auth: 'public' },
      schema: {
        operationId: 'listFollowing',
        summary: 'The users a user follows',
        description: listDescription,
        tags: ['social'],
        params: UserIdParams,
        querystring: FollowListQuery,
        response: { 200: UserSummaryPage },
      },
    },
    async (request) =>
      followList(app.db, 'following', request.params.user_id, viewerId(request), request.query),
  );
}
