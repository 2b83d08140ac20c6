import type { App } from '../../app-type.js';
import { Post } from '../../core/posts.schemas.js';
import { asReply } from '../../lib/json-text.js';
import { Page, PostIdParams } from '../../lib/schemas.js';
import { currentUserId } from '../../plugins/auth.js';
import { BookmarkState, BookmarksQuery } from './bookmarks.schemas.js';
import { listBookmarks, setBookmark } from './bookmarks.service.js';

export default async function bookmarksRoutes(app: App) {
  app.post(
    '/posts/:post_id/bookmarks',
    {
      config: { auth: 'user', allowSuspended: true },
      schema: {
        operationId: 'bookmarkPost',
        summary: 'Bookmark a post',
        description: 'Idempotent. 404 for an unknown or deleted post.',
        tags: ['bookmarks'],
        params: PostIdParams,
        response: { 200: BookmarkState },
      },
    },
    async (request) => setBookmark(app.db, currentUserId(request), request.params.post_id, true),
  );

  app.delete(
    '/posts/:post_id/bookmarks',
    {
      config: { auth: 'user', allowSuspended: true },
      schema: {
        operationId: 'unbookmarkPost',
        summary: 'Remove a bookmark',
        description: 'Idempotent. 404 for an unknown or deleted post.',
        tags: ['bookmarks'],
        params: PostIdParams,
        response: { 200: BookmarkState },
      },
    },
    async (request) => setBookmark(app.db, currentUserId(request), request.params.post_id, false),
  );

  app.get(
    '/bookmarks',
    {
      config: { auth: 'user' },
      schema: {
        operationId: 'listBookmarks',
        summary: 'Your bookmarks, newest bookmark first',
        description:
          'Deleted posts and posts of users across a block (either way) are left out; a mute ' +
          'does not hide a post you bookmarked.',
        tags: ['bookmarks'],
        querystring: BookmarksQuery,
        response: { 200: Page(Post) },
      },
    },
    async (request) => asReply(await listBookmarks(app.db, currentUserId(request), request.query)),
  );
}
