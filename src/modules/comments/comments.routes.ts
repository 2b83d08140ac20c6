import { Type } from 'typebox';
import type { App } from '../../app-type.js';
import { CommentIdParams, Page, PostIdParams } from '../../lib/schemas.js';
import { currentUser, currentUserId, viewerId } from '../../plugins/auth.js';
import { Comment, CommentsQuery, NewComment } from './comments.schemas.js';
import { createComment, deleteComment, listComments } from './comments.service.js';

export default async function commentsRoutes(app: App) {
  app.post(
    '/posts/:post_id/comments',
    {
      config: { auth: 'user' },
      schema: {
        operationId: 'createComment',
        summary: 'Comment on a post, or reply to a comment',
        description:
          '`parent_id` must be a comment of the same post (else 422). A block between you ' +
          "and the post's author is a 403 blocked.",
        tags: ['comments'],
        params: PostIdParams,
        body: NewComment,
        response: { 201: Comment },
      },
    },
    async (request, reply) => {
      const comment = await createComment(
        app.db,
        currentUserId(request),
        request.params.post_id,
        request.body,
      );
      return reply.status(201).send(comment);
    },
  );

  app.get(
    '/posts/:post_id/comments',
    {
      config: { auth: 'public' },
      schema: {
        operationId: 'listComments',
        summary: "A post's comments, oldest first",
        description:
          'Comments of users the viewer blocked (or who blocked them) are left out; a mute does not hide comments.',
        tags: ['comments'],
        params: PostIdParams,
        querystring: CommentsQuery,
        response: { 200: Page(Comment) },
      },
    },
    async (request) =>
      listComments(app.db, request.params.post_id, request.query, viewerId(request)),
  );

  app.delete(
    '/comments/:comment_id',
    {
      config: { auth: 'user' },
      schema: {
        operationId: 'deleteComment',
        summary: "Delete a comment (its author, the post's author or an admin)",
        tags: ['comments'],
        params: CommentIdParams,
        response: { 204: Type.Null({ description: 'deleted' }) },
      },
    },
    async (request, reply) => {
      await deleteComment(app.db, request.params.comment_id, currentUser(request));
      return reply.status(204).send(null);
    },
  );
}
