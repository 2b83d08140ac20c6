import type { App } from '../../app-type.js';
import { Post } from '../../core/posts.schemas.js';
import { asReply } from '../../lib/json-text.js';
import { Page } from '../../lib/schemas.js';
import { viewerId } from '../../plugins/auth.js';
import { PostSearchQuery } from './post-search.schemas.js';
import { searchPosts } from './post-search.service.js';
import { SearchQuery, SearchResults } from './search.schemas.js';
import { search } from './search.service.js';

export default async function searchRoutes(app: App) {
  app.get(
    '/search',
    {
      config: { auth: 'public' },
      schema: {
        operationId: 'search',
        summary: 'Search users and tickers',
        description:
          'Exact matches first (ignoring case), then prefixes, then similar strings. Users ' +
          'you muted or blocked, or who blocked you, are left out.',
        tags: ['search'],
        querystring: SearchQuery,
        response: { 200: SearchResults },
      },
    },
    async (request) =>
      search(app.db, {
        q: request.query.q,
        type: request.query.type,
        limit: request.query.limit,
        viewerId: viewerId(request),
      }),
  );

  app.get(
    '/search/posts',
    {
      config: { auth: 'public' },
      schema: {
        operationId: 'searchPosts',
        summary: 'Full-text search of posts',
        description:
          'Live posts whose text matches `q` (see its description for words, phrases and ' +
          'operators), newest first (`sort=recent`) or by relevance (`sort=relevance`). Posts ' +
          'of users you muted or blocked, who blocked you or who are suspended, and posts ' +
          'holding your muted words, are left out, as in the feeds. ' +
          'A query of stop words only (`the`) finds nothing.',
        tags: ['search'],
        querystring: PostSearchQuery,
        response: { 200: Page(Post) },
      },
    },
    async (request) => asReply(await searchPosts(app.db, request.query, viewerId(request))),
  );
}
