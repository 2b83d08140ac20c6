import type { App } from '../../app.js';
import { currentUserId } from '../../plugins/auth.js';
import { BookmarkState, PostIdParams } from './bookmarks.schemas.js';
import { setBookmark } from './bookmarks.service.js';

export default async function bookmarksRoutes(app: App) {
  for (const on of [true, false]) {
    app[on ? 'post' : 'delete'](
      '/posts/:post_id/bookmarks',
      {
        config: { auth: 'user' },
        schema: {
          operationId: on ? 'bookmarkPost' : 'unbookmarkPost',
          summary: on ? 'Bookmark a post' : 'Remove a bookmark',
          description: 'Idempotent. 404 for an unknown or deleted post.',
          tags: ['bookmarks'],
          params: PostIdParams,
          response: { 200: BookmarkState },
        },
      },
      async (request) => setBookmark(app.db, currentUserId(request), request.params.post_id, on),
    );
  }
}
