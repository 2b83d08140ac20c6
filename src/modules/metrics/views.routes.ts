import { createHash, timingSafeEqual } from 'node:crypto';
import type { FastifyRequest } from 'fastify';
import { Type } from 'typebox';
import type { App } from '../../app.js';
import { notFound, unauthorized } from '../../lib/errors.js';
import { Timestamp } from '../../lib/schemas.js';
import { type RefreshResult, refreshViews, scheduledPolicy } from './views.service.js';

const ViewName = Type.Union([
  Type.Literal('trending_tickers'),
  Type.Literal('daily_metrics'),
  Type.Literal('engagement_metrics'),
]);
const Refreshed = Type.Object({
  refreshed: Type.Array(ViewName, { description: 'the views refreshed by this call' }),
  skipped: Type.Array(ViewName, {
    description:
      'views another instance was refreshing at that moment, or (cron) not due yet: trending is refreshed hourly, the daily metrics once a UTC day',
  }),
  at: Timestamp,
});

function answer(result: RefreshResult) {
  return { refreshed: result.refreshed, skipped: result.skipped, at: result.at.toISOString() };
}

/** Compares digests, so neither the secret's content nor its length shows in the timing. */
function secretMatches(sent: string, secret: string): boolean {
  const digest = (value: string) => createHash('sha256').update(value).digest();
  return timingSafeEqual(digest(sent), digest(secret));
}

function assertCronSecret(request: FastifyRequest, secret: string | undefined): void {
  // unset: the endpoint does not exist
  if (secret === undefined) throw notFound('route');
  const match = /^Bearer\s+(\S+)\s*$/i.exec(request.headers.authorization ?? '');
  if (!match?.[1] || !secretMatches(match[1], secret)) {
    throw unauthorized('send Authorization: Bearer <CRON_SECRET>');
  }
}

export default async function viewsRoutes(app: App) {
  app.post(
    '/metrics/refresh',
    {
      config: { auth: 'admin' },
      schema: {
        operationId: 'refreshMetricViews',
        summary: 'Refresh the materialized views now',
        description:
          'Refreshes trending_tickers, daily_metrics and engagement_metrics (in that order) ' +
          'with REFRESH MATERIALIZED VIEW CONCURRENTLY. When another instance is refreshing ' +
          'at that moment, answers at once with every view in `skipped`.',
        tags: ['metrics'],
        response: { 200: Refreshed },
      },
    },
    async () => answer(await refreshViews(app.db)),
  );

  app.get(
    '/internal/cron/refresh-views',
    {
      config: { ownAuthorization: true },
      schema: {
        operationId: 'cronRefreshViews',
        summary: 'Refresh the materialized views (platform cron)',
        description:
          'For a platform cron (Vercel Cron): `Authorization: Bearer $CRON_SECRET`. 401 ' +
          'without the right secret; 404 when CRON_SECRET is not set.',
        tags: ['metrics'],
        security: [{ cronSecret: [] }],
        response: { 200: Refreshed },
      },
    },
    async (request) => {
      assertCronSecret(request, app.config.cronSecret);
      // trending hourly, the daily views once a UTC day (each refresh of those reads every
      // day of activity: half a minute on the benchmark's data), as the scheduler does
      return answer(await refreshViews(app.db, { isDue: scheduledPolicy(new Date()) }));
    },
  );
}
