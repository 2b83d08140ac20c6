import type { App } from '../../app-type.js';
import { CommentIdParams, PostIdParams } from '../../lib/schemas.js';
import { currentUserId } from '../../plugins/auth.js';
import { acceptEmptyJsonBody } from '../../plugins/optional-body.js';
import { ReactionBody, ReactionState } from './reactions.schemas.js';
import { toggleCommentReaction, togglePostReaction } from './reactions.service.js';

export default async function reactionsRoutes(app: App) {
  acceptEmptyJsonBody(app);

  app.post(
    '/posts/:post_id/reactions',
    {
      config: { auth: 'user' },
      schema: {
        operationId: 'togglePostReaction',
        summary: 'Like or unlike a post',
        description: 'A toggle: the body (`{ "type": "like" }`) may be left out.',
        tags: ['reactions'],
        params: PostIdParams,
        body: ReactionBody,
        response: { 200: ReactionState },
      },
    },
    async (request) => togglePostReaction(app.db, currentUserId(request), request.params.post_id),
  );

  app.post(
    '/comments/:comment_id/reactions',
    {
      config: { auth: 'user' },
      schema: {
        operationId: 'toggleCommentReaction',
        summary: 'Like or unlike a comment',
        description: 'A toggle: the body (`{ "type": "like" }`) may be left out.',
        tags: ['reactions'],
        params: CommentIdParams,
        body: ReactionBody,
        response: { 200: ReactionState },
      },
    },
    async (request) =>
      toggleCommentReaction(app.db, currentUserId(request), request.params.comment_id),
  );
}
