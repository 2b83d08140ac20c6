import { Type } from 'typebox';
import type { App } from '../../app-type.js';
import { Timestamp } from '../../lib/schemas.js';
import { MATERIALIZED_VIEWS } from './views.repository.js';
import { type RefreshResult, refreshViews, scheduledPolicy } from './views.service.js';

const ViewName = Type.Enum(MATERIALIZED_VIEWS);
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
      config: { auth: 'cron' },
      schema: {
        operationId: 'cronRefreshViews',
        summary: 'Refresh the materialized views (platform cron)',
        description:
          'For a platform cron (Vercel Cron): `Authorization: Bearer $CRON_SECRET`. 401 ' +
          'without the right secret; 404 when CRON_SECRET is not set.',
        tags: ['metrics'],
        response: { 200: Refreshed },
      },
    },
    async () => {
      // trending hourly, the daily views once a UTC day (each refresh of those reads every
      // day of activity: half a minute on the benchmark's data), as the scheduler does
      return answer(await refreshViews(app.db, { isDue: scheduledPolicy(new Date()) }));
    },
  );
}
