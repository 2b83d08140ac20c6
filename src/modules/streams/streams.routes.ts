import { Type } from 'typebox';
import type { App } from '../../app-type.js';
import {
  pagePolicy,
  readStaticFiles,
  sendStatic,
  staticAssetsRoute,
} from '../../lib/static-pages.js';
import type { StreamKind } from './streams.events.js';
import { Hub } from './streams.hub.js';
import { listenThroughRedis } from './streams.relay.js';
import { streamSchema, TickerStreamParams } from './streams.schemas.js';
import { openStream } from './streams.service.js';

/**
 * Live streams (docs/streams.md): five Server-Sent Events routes fed by one hub per instance,
 * and GET /live, a page that shows a ticker's stream in the browser.
 */
const LIVE_CSP = pagePolicy();
const LIVE_FOLDER = new URL('./assets/', import.meta.url);
const LIVE_PAGE = readStaticFiles(LIVE_FOLDER, ['live.html']).get('live.html')!;
const LIVE_ASSETS = readStaticFiles(LIVE_FOLDER, ['live.js', 'live.css']);

export default async function streamsRoutes(app: App) {
  const config = app.config;
  const hub = new Hub({
    db: app.db,
    // with REDIS_URL one instance of the fleet listens and relays (streams.relay.ts)
    listen: (channel, handlers) =>
      config.redisUrl
        ? listenThroughRedis(
            {
              redisUrl: config.redisUrl,
              database: app.database.identity,
              listen: (c, h) => app.database.listen(c, h),
              log: app.log,
            },
            channel,
            handlers,
          )
        : app.database.listen(channel, handlers),
    log: app.log,
    maxPerUser: config.streamMaxPerUser,
    max: config.streamMax,
    heartbeatS: config.streamHeartbeatS,
  });
  // before the server closes: open streams would hold it open until the drain time is over
  app.addHook('preClose', async () => hub.stop());
  const settings = {
    bufferBytes: config.streamBufferBytes,
    maxDurationS: config.streamMaxDurationS,
  };

  const routes: Array<{
    path: string;
    kind: StreamKind;
    operationId: string;
    summary: string;
    description: string;
  }> = [
    {
      path: '/streams/public',
      kind: 'public',
      operationId: 'streamPublic',
      summary: 'Every new post, live',
      description:
        'Every new post as it is written, like `GET /feed?type=all`; with a token, without ' +
        'the posts of users you muted or blocked (or who blocked you), nor those holding your ' +
        'muted words.',
    },
    {
      path: '/streams/feed',
      kind: 'feed',
      operationId: 'streamFeed',
      summary: 'Your following feed, live',
      description:
        'New posts and plain reposts (`reposted_by` set) of the users you follow and your own, ' +
        'like `GET /feed?type=following`: a post shows once, at its first repost by one of them.',
    },
    {
      path: '/streams/watchlist',
      kind: 'watchlist',
      operationId: 'streamWatchlist',
      summary: 'Posts on your watchlist’s tickers, live',
      description:
        'New posts that mention a ticker on your watchlist, with the filters of the lists.',
    },
    {
      path: '/streams/notifications',
      kind: 'notifications',
      operationId: 'streamNotifications',
      summary: 'Your notifications, live',
      description:
        'Your new notifications (`event: notification`), as `GET /notifications` shows them: a ' +
        'type you turned off creates none.',
    },
  ];
  for (const route of routes) {
    app.get(
      route.path,
      {
        config: { auth: route.kind === 'public' ? 'public' : 'user', tokenInQuery: true },
        schema: streamSchema(route),
      },
      (request, reply) => openStream(app.db, hub, settings, request, reply, route.kind),
    );
  }

  app.get(
    '/streams/tickers/:symbol',
    {
      config: { auth: 'public', tokenInQuery: true },
      schema: streamSchema({
        operationId: 'streamTicker',
        summary: 'A ticker’s posts, live',
        description:
          'New posts that mention the ticker (symbol in any case, `$` or `#` allowed; it need ' +
          'not exist yet), like `GET /tickers/{symbol}/posts`. A malformed symbol is 404.',
        params: TickerStreamParams,
      }),
    },
    (request, reply) =>
      openStream(
        app.db,
        hub,
        settings,
        request,
        reply,
        'ticker',
        (request.params as { symbol: string }).symbol,
      ),
  );

  app.get(
    '/live',
    {
      config: { auth: 'public' },
      schema: {
        operationId: 'getLivePage',
        summary: 'A ticker’s live stream in the browser (an HTML page)',
        description:
          'A small page that opens `GET /streams/tickers/{symbol}` with EventSource and shows ' +
          'posts as they arrive: `/live?symbol=AAPL`.',
        tags: ['streams'],
        response: {
          200: { description: 'the page', content: { 'text/html': { schema: Type.String() } } },
        },
      },
    },
    async (_request, reply) => sendStatic(reply, LIVE_CSP, LIVE_PAGE),
  );

  staticAssetsRoute(app, '/live/assets', LIVE_ASSETS, LIVE_CSP);
}
