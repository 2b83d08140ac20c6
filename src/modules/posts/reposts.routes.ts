import { Type } from 'typebox';
import type { App } from '../../app-type.js';
import { Post, Sentiment } from '../../core/posts.schemas.js';
import { Nullable, PostIdParams } from '../../lib/schemas.js';
import { currentUserId } from '../../plugins/auth.js';
import { acceptEmptyJsonBody } from '../../plugins/optional-body.js';
import { PostContent } from './posts.schemas.js';
import { quote, repost, unrepost } from './reposts.service.js';

const RepostBody = Nullable(
  Type.Object({
    quote: Type.Optional(PostContent),
    sentiment: Type.Optional(Nullable(Sentiment)),
  }),
);
const Reposted = Type.Object({
  type: Type.Literal('repost'),
  reposts: Type.Integer({ description: 'plain reposts the post has now' }),
});
const Quoted = Type.Object({ type: Type.Literal('quote'), post: Post });

export default async function repostsRoutes(app: App) {
  acceptEmptyJsonBody(app);

  app.post(
    '/posts/:post_id/reposts',
    {
      config: { auth: 'user' },
      schema: {
        operationId: 'repostPost',
        summary: 'Repost a post, or quote it',
        description:
          'No body or `{}`: a plain repost (409 already_reposted the second time). ' +
          '`{ "quote": "text" }`: a new post quoting this one, with the rules of post content.',
        tags: ['reposts'],
        params: PostIdParams,
        body: RepostBody,
        response: { 201: Type.Union([Reposted, Quoted]) },
      },
    },
    async (request, reply) => {
      const userId = currentUserId(request);
      const body = request.body;
      const result =
        body?.quote === undefined
          ? await repost(app.db, userId, request.params.post_id)
          : await quote(app.db, userId, request.params.post_id, {
              quote: body.quote,
              sentiment: body.sentiment,
            });
      return reply.status(201).send(result);
    },
  );

  app.delete(
    '/posts/:post_id/reposts',
    {
      config: { auth: 'user' },
      schema: {
        operationId: 'deleteRepost',
        summary: 'Remove your plain repost',
        tags: ['reposts'],
        params: PostIdParams,
        response: { 204: Type.Null({ description: 'removed' }) },
      },
    },
    async (request, reply) => {
      await unrepost(app.db, currentUserId(request), request.params.post_id);
      return reply.status(204).send(null);
    },
  );
}
