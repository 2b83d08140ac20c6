import { describe, expect, it } from 'vitest';
import { useTestApp } from '../helpers/app.js';

describe('OpenAPI document of the social routes', () => {
  const t = useTestApp();

  it('covers every route with an operationId, a tag and a 200 schema', async () => {
    const doc = (await t.request({ method: 'GET', url: '/openapi.json' })).json() as {
      paths: Record<
        string,
        Record<
          string,
          {
            operationId?: string;
            tags?: string[];
            responses: Record<string, unknown>;
            security?: unknown[];
          }
        >
      >;
    };
    const expected: Array<[string, string, string]> = [
      ['post', '/users/{user_id}/follow', 'followUser'],
      ['delete', '/users/{user_id}/follow', 'unfollowUser'],
      ['get', '/users/{user_id}/followers', 'listFollowers'],
      ['get', '/users/{user_id}/following', 'listFollowing'],
      ['post', '/users/{user_id}/mute', 'muteUser'],
      ['delete', '/users/{user_id}/mute', 'unmuteUser'],
      ['post', '/users/{user_id}/block', 'blockUser'],
      ['delete', '/users/{user_id}/block', 'unblockUser'],
      ['get', '/content-filters', 'getContentFilters'],
      ['post', '/posts/{post_id}/bookmarks', 'bookmarkPost'],
      ['delete', '/posts/{post_id}/bookmarks', 'unbookmarkPost'],
      ['get', '/search', 'search'],
      ['get', '/tickers/trending', 'getTrendingTickers'],
      ['get', '/tickers/{symbol}', 'getTicker'],
      ['get', '/users/me/watchlist', 'getWatchlist'],
      ['put', '/users/me/watchlist/{symbol}', 'addToWatchlist'],
      ['delete', '/users/me/watchlist/{symbol}', 'removeFromWatchlist'],
      ['post', '/metrics/refresh', 'refreshMetricViews'],
      ['get', '/internal/cron/refresh-views', 'cronRefreshViews'],
    ];
    for (const [method, path, operationId] of expected) {
      const operation = doc.paths[path]?.[method];
      expect(operation?.operationId, `${method} ${path}`).toBe(operationId);
      expect(operation?.tags?.length).toBe(1);
      expect(operation?.responses['200']).toBeDefined();
    }
    expect(doc.paths['/internal/cron/refresh-views']?.get?.security).toEqual([{ cronSecret: [] }]);
  });
});
