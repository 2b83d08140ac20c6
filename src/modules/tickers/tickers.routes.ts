import type { App } from '../../app-type.js';
import { Post } from '../../core/posts.schemas.js';
import { Trending, TrendingTickersQuery, trendingTickers } from '../../core/tickers.js';
import { asReply } from '../../lib/json-text.js';
import { Page } from '../../lib/schemas.js';
import { currentUserId, viewerId } from '../../plugins/auth.js';
import {
  SentimentQuery,
  SentimentSeries,
  SymbolParams,
  TickerPage,
  TickerPostsQuery,
  Watchlist,
} from './tickers.schemas.js';
import {
  addToWatchlist,
  getSentimentSeries,
  getTickerPage,
  getTickerPosts,
  getWatchlist,
  removeFromWatchlist,
  WATCHLIST_MAX,
} from './tickers.service.js';

export default async function tickersRoutes(app: App) {
  // a static path wins over /tickers/:symbol in the router, whatever the order here
  app.get(
    '/tickers/trending',
    {
      config: { auth: 'public' },
      schema: {
        operationId: 'getTrendingTickers',
        summary: 'Tickers ranked by mentions or by velocity',
        description:
          'From the trending_tickers materialized view (refreshed hourly); `refreshed_at` says ' +
          'when it was last refreshed (null: never since the service was set up). Each item ' +
          'carries its mentions in the window, `baseline` (the mean mentions per window of ' +
          'the same length over the 7 days before it) and `velocity` (mentions ÷ ' +
          'max(baseline, 1)); `sort=velocity` ranks by velocity (ties: more mentions first), ' +
          'and `rank` is the place in the ranking asked for.',
        tags: ['tickers'],
        querystring: TrendingTickersQuery,
        response: { 200: Trending },
      },
    },
    async (request) =>
      trendingTickers(app.db, request.query.window, request.query.limit, request.query.sort),
  );

  app.get(
    '/tickers/:symbol',
    {
      config: { auth: 'public' },
      schema: {
        operationId: 'getTicker',
        summary: 'A ticker page',
        description:
          'Symbol in any case, `$AAPL` accepted. Counts cover the live posts of the last 24 h. ' +
          '404 for a ticker nobody mentioned and for a malformed symbol.',
        tags: ['tickers'],
        params: SymbolParams,
        response: { 200: TickerPage },
      },
    },
    async (request) => getTickerPage(app.db, request.params.symbol),
  );

  app.get(
    '/tickers/:symbol/posts',
    {
      config: { auth: 'public' },
      schema: {
        operationId: 'listTickerPosts',
        summary: "A ticker's stream of posts, newest first",
        description:
          'Symbol as on the ticker page (any case, `$AAPL` or `#AAPL` accepted; 404 for a ' +
          'ticker nobody mentioned and for a malformed symbol). Posts of users you muted or ' +
          'blocked, or who blocked you, are left out.',
        tags: ['tickers'],
        params: SymbolParams,
        querystring: TickerPostsQuery,
        response: { 200: Page(Post) },
      },
    },
    async (request) =>
      asReply(
        await getTickerPosts(app.db, request.params.symbol, request.query, viewerId(request)),
      ),
  );

  app.get(
    '/tickers/:symbol/sentiment',
    {
      config: { auth: 'public' },
      schema: {
        operationId: 'getTickerSentiment',
        summary: "A ticker's message volume and sentiment over time",
        description:
          'One bucket per UTC hour (`interval=1h`, default: the last 168) or UTC day ' +
          '(`interval=1d`, default: the last 90), `t` its start, oldest first, empty buckets ' +
          'as zeros. Counts live posts that mention the ticker, by sentiment, and their ' +
          'distinct authors; a deleted post leaves its bucket at once. 422 when `from` is ' +
          'after `to` or the range holds more than 1,000 buckets; 404 for a ticker nobody ' +
          'mentioned and for a malformed symbol.',
        tags: ['tickers'],
        params: SymbolParams,
        querystring: SentimentQuery,
        response: { 200: SentimentSeries },
      },
    },
    async (request) => getSentimentSeries(app.db, request.params.symbol, request.query),
  );

  app.get(
    '/users/me/watchlist',
    {
      config: { auth: 'user' },
      schema: {
        operationId: 'getWatchlist',
        summary: 'Your watchlist',
        tags: ['tickers'],
        response: { 200: Watchlist },
      },
    },
    async (request) => getWatchlist(app.db, currentUserId(request)),
  );

  app.put(
    '/users/me/watchlist/:symbol',
    {
      config: { auth: 'user', allowSuspended: true },
      schema: {
        operationId: 'addToWatchlist',
        summary: 'Add a ticker to your watchlist',
        description:
          `Idempotent. A valid symbol nobody mentioned yet is created. 422 for a malformed ` +
          `symbol, or when the watchlist already holds ${WATCHLIST_MAX} tickers.`,
        tags: ['tickers'],
        params: SymbolParams,
        response: { 200: Watchlist },
      },
    },
    async (request) => addToWatchlist(app.db, currentUserId(request), request.params.symbol),
  );

  app.delete(
    '/users/me/watchlist/:symbol',
    {
      config: { auth: 'user', allowSuspended: true },
      schema: {
        operationId: 'removeFromWatchlist',
        summary: 'Remove a ticker from your watchlist',
        description: 'Idempotent. 422 for a malformed symbol.',
        tags: ['tickers'],
        params: SymbolParams,
        response: { 200: Watchlist },
      },
    },
    async (request) => removeFromWatchlist(app.db, currentUserId(request), request.params.symbol),
  );
}
