import type { App } from '../../app-type.js';
import { foldCounterDeltas } from '../../core/counters.js';
import { Post } from '../../core/posts.schemas.js';
import { asReply } from '../../lib/json-text.js';
import { Page } from '../../lib/schemas.js';
import { authByQuery, viewerId } from '../../plugins/auth.js';
import { FanOutResult, FeedQuery } from './feed.schemas.js';
import { getFeed } from './feed.service.js';
import { fanOutOptions, processOutbox } from './timeline.service.js';

export default async function feedRoutes(app: App) {
  app.get(
    '/feed',
    {
      config: {
        auth: authByQuery('type', { all: 'public', following: 'token', watchlist: 'user' }),
      },
      schema: {
        operationId: 'getFeed',
        summary: 'The home feed',
        description:
          '`type=all` (default): every live post, newest first. `type=following` (401 without ' +
          'a token): posts and plain reposts by the users you follow and by you, newest first ' +
          'by the time of the post or of the repost; a post that came through a repost carries ' +
          '`reposted_by`. A post shows once: as itself when its author is you or someone you ' +
          'follow, else at its first repost by one of them (a later repost never moves it, so ' +
          'pages stay stable). Posts and reposts of users you muted or blocked, or who blocked ' +
          'you, are left out, whoever reposted them. `type=watchlist` (401 without a token, 403 ' +
          'before onboarding): live posts that mention any ticker on your watchlist, newest ' +
          'first, each once, with the same filters. Page with `cursor` (stable) or `offset`.',
        tags: ['feed'],
        querystring: FeedQuery,
        response: { 200: Page(Post) },
      },
    },
    async (request) => asReply(await getFeed(app.db, request.query, viewerId(request))),
  );

  app.get(
    '/internal/cron/fan-out',
    {
      config: { auth: 'cron' },
      schema: {
        operationId: 'cronFanOut',
        summary: 'Fan new posts out to home timelines; fold counter deltas (platform cron)',
        description:
          'For a platform cron where no process stays up (Vercel Cron): ' +
          '`Authorization: Bearer $CRON_SECRET`. Drains the timeline outbox for up to 20 s, ' +
          'folds the pending counter deltas into their counters, and says what it did. A ' +
          'long-lived server does both by itself every TIMELINE_TICK_MS.',
        tags: ['feed'],
        response: { 200: FanOutResult },
      },
    },
    async () => ({
      ...(await processOutbox(app.db, { ...fanOutOptions(app.config), maxMs: 20_000 })),
      folded: await foldCounterDeltas(app.db),
    }),
  );
}
