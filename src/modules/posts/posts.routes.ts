import { Type } from 'typebox';
import type { App } from '../../app-type.js';
import { Post } from '../../core/posts.schemas.js';
import { asReply } from '../../lib/json-text.js';
import { Page, PostIdParams, UserIdParams } from '../../lib/schemas.js';
import { currentUser, currentUserId, viewerId } from '../../plugins/auth.js';
import { editPost, listEdits } from './edits.service.js';
import {
  EditPost,
  EditsQuery,
  NewPost,
  PostEdit,
  PostsQuery,
  UserPostsQuery,
} from './posts.schemas.js';
import { createPost, deletePost, getPost, listAllPosts, listUserPosts } from './posts.service.js';
import repostsRoutes from './reposts.routes.js';

const PostPage = Page(Post);

/** Posts, and the reposts and quotes of them (reposts.routes.ts, in a scope of its own). */
export default async function postsRoutes(app: App) {
  await app.register(repostsRoutes);

  app.post(
    '/posts',
    {
      config: { auth: 'user' },
      schema: {
        operationId: 'createPost',
        summary: 'Write a post',
        description:
          'Content is 0-1000 characters after trimming (empty only with media or a poll); ' +
          '`$SYMBOL` and `#SYMBOL` mentions become its tickers. `media_ids` are your own ' +
          'uploads not attached to another post. A poll has 2-4 options distinct ignoring case.',
        tags: ['posts'],
        body: NewPost,
        response: { 201: Post },
      },
    },
    async (request, reply) => {
      const post = await createPost(app.db, currentUserId(request), request.body);
      return reply.status(201).send(post);
    },
  );

  app.get(
    '/posts',
    {
      config: { auth: 'public' },
      schema: {
        operationId: 'listPosts',
        summary: 'All posts, newest first',
        description:
          'Filters: `ticker`, `author_id`, `sentiment`. Posts of users the viewer muted or ' +
          'blocked, or who blocked the viewer, are left out. Page with `cursor` (stable) or `offset`.',
        tags: ['posts'],
        querystring: PostsQuery,
        response: { 200: PostPage },
      },
    },
    async (request) => asReply(await listAllPosts(app.db, request.query, viewerId(request))),
  );

  app.get(
    '/posts/:post_id',
    {
      config: { auth: 'public' },
      schema: {
        operationId: 'getPost',
        summary: 'One post',
        tags: ['posts'],
        params: PostIdParams,
        response: { 200: Post },
      },
    },
    async (request) => getPost(app.db, request.params.post_id, viewerId(request)),
  );

  app.patch(
    '/posts/:post_id',
    {
      config: { auth: 'user' },
      schema: {
        operationId: 'editPost',
        summary: 'Edit your post (text and sentiment)',
        description:
          `Within POST_EDIT_WINDOW_MINUTES (${app.config.postEditWindowMinutes} here) of posting, ` +
          'the author may change `content` and `sentiment`, with the rules of a new post. The ' +
          'version replaced stays readable by anyone (GET /posts/{post_id}/edits), so an edit ' +
          'cannot quietly rewrite a call. Tickers are taken from the new text again; users it ' +
          'newly mentions are notified. Media, poll and quote do not change. 403 for someone ' +
          "else's post, 409 `edit_window_closed` after the window.",
        tags: ['posts'],
        params: PostIdParams,
        body: EditPost,
        response: { 200: Post, 409: { $ref: 'ErrorResponse#' } },
      },
    },
    async (request) =>
      editPost(app.db, request.params.post_id, currentUser(request), request.body, {
        now: app.clock(),
        minutes: app.config.postEditWindowMinutes,
      }),
  );

  app.get(
    '/posts/:post_id/edits',
    {
      config: { auth: 'public' },
      schema: {
        operationId: 'listPostEdits',
        summary: 'The earlier versions of a post, newest first',
        description: 'Each version with the time an edit replaced it. 404 for a deleted post.',
        tags: ['posts'],
        params: PostIdParams,
        querystring: EditsQuery,
        response: { 200: Page(PostEdit) },
      },
    },
    async (request) => listEdits(app.db, request.params.post_id, request.query, viewerId(request)),
  );

  app.delete(
    '/posts/:post_id',
    {
      config: { auth: 'user' },
      schema: {
        operationId: 'deletePost',
        summary: 'Delete a post (its author or an admin)',
        tags: ['posts'],
        params: PostIdParams,
        response: { 204: Type.Null({ description: 'deleted' }) },
      },
    },
    async (request, reply) => {
      await deletePost(app.db, request.params.post_id, currentUser(request));
      return reply.status(204).send(null);
    },
  );

  app.get(
    '/users/:user_id/posts',
    {
      config: { auth: 'public' },
      schema: {
        operationId: 'listUserPosts',
        summary: "A user's posts, newest first",
        description: 'A mute does not hide them here; a block between the two users does.',
        tags: ['posts'],
        params: UserIdParams,
        querystring: UserPostsQuery,
        response: { 200: PostPage },
      },
    },
    async (request) =>
      asReply(
        await listUserPosts(app.db, request.params.user_id, request.query, viewerId(request)),
      ),
  );
}
