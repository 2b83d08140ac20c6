import type { App } from '../../app.js';
import { UserIdParams } from '../../lib/schemas.js';
import { currentUserId, viewerId } from '../../plugins/auth.js';
import { FollowListQuery, FollowState, UserSummaryPage } from './follows.schemas.js';
import { follow, followList, unfollow } from './follows.service.js';

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
      config: { auth: 'user' },
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

  for (const direction of ['followers', 'following'] as const) {
    app.get(
      `/users/:user_id/${direction}`,
      {
        schema: {
          operationId: direction === 'followers' ? 'listFollowers' : 'listFollowing',
          summary: direction === 'followers' ? "A user's followers" : 'The users a user follows',
          description:
            'Newest follow first. Users you blocked, or who blocked you, are left out; a mute does not hide anyone here.',
          tags: ['social'],
          params: UserIdParams,
          querystring: FollowListQuery,
          response: { 200: UserSummaryPage },
        },
      },
      async (request) =>
        followList(app.db, direction, {
          userId: request.params.user_id,
          viewerId: viewerId(request),
          limit: request.query.limit,
          cursor: request.query.cursor,
        }),
    );
  }
}
