import { Type } from 'typebox';
import type { App } from '../../app.js';
import { CommentIdParams, Nullable, PostIdParams } from '../../lib/schemas.js';
import { currentUserId } from '../../plugins/auth.js';
import { acceptEmptyJsonBody } from '../../plugins/optional-body.js';
import { toggleCommentReaction, togglePostReaction } from './reactions.service.js';

const ReactionBody = Nullable(
  Type.Object({ type: Type.Optional(Type.Literal('like', { description: 'the only kind' })) }),
);
const ReactionState = Type.Object({
  reacted: Type.Boolean({ description: 'whether you like it now' }),
  reactions: Type.Integer({ description: 'likes it has now' }),
});

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
