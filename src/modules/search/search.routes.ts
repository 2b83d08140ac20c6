import type { App } from '../../app-type.js';
import { viewerId } from '../../plugins/auth.js';
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
}
