import { Type } from 'typebox';
import type { App } from '../../app-type.js';
import { TrendingQuery } from '../../core/tickers.js';
import { toCsv } from './csv.js';
import { healthMetrics, trendingMetrics } from './health.service.js';
import {
  DashboardMetrics,
  EngagementMetrics,
  EXPORT_COLUMNS,
  ExportQuery,
  ExportRow,
  GrowthMetrics,
  HealthMetrics,
  RangeQuery,
  TrendingMetrics,
  UsersMetrics,
} from './metrics.schemas.js';
import {
  engagementMetrics,
  exportRows,
  growthMetrics,
  summaryMetrics,
  usersMetrics,
} from './metrics.service.js';
import { resolveRange, todayUtc } from './range.js';

const RANGE_NOTE =
  '`from` and `to` are UTC days (YYYY-MM-DD, inclusive; default: the 30 days ending today); ' +
  '422 when `to` is after today, `from` after `to`, or the range longer than 366 days. ' +
  "Today's figures are computed live; earlier days come from the materialized views " +
  '(`live_from` says where the live part starts, `refreshed_at` when the views were refreshed).';

const admin = { auth: 'admin' as const };

export default async function metricsRoutes(app: App) {
  app.get(
    '/metrics/dashboard',
    {
      config: admin,
      schema: {
        operationId: 'getMetricsDashboard',
        summary: 'Investor dashboard: a summary of every metric',
        description: `Users, engagement, growth, health and trending in one answer. ${RANGE_NOTE}`,
        tags: ['metrics'],
        querystring: RangeQuery,
        response: { 200: DashboardMetrics },
      },
    },
    async (request) => {
      const today = todayUtc();
      const range = resolveRange(request.query, today);
      const [summary, health, trending] = await Promise.all([
        summaryMetrics(app.db, range, today),
        healthMetrics(app.database),
        trendingMetrics(app.db, '24h', 5),
      ]);
      return { ...summary, health, trending };
    },
  );

  app.get(
    '/metrics/users',
    {
      config: admin,
      schema: {
        operationId: 'getUserMetrics',
        summary: 'DAU, WAU, MAU, stickiness, new and total users, retention cohorts',
        description: RANGE_NOTE,
        tags: ['metrics'],
        querystring: RangeQuery,
        response: { 200: UsersMetrics },
      },
    },
    async (request) => {
      const today = todayUtc();
      return usersMetrics(app.db, resolveRange(request.query, today), today);
    },
  );

  app.get(
    '/metrics/engagement',
    {
      config: admin,
      schema: {
        operationId: 'getEngagementMetrics',
        summary: 'Posts, comments, reactions, reposts, bookmarks, poll votes a day',
        description: `Each also per active user, and the share of active users who posted. ${RANGE_NOTE}`,
        tags: ['metrics'],
        querystring: RangeQuery,
        response: { 200: EngagementMetrics },
      },
    },
    async (request) => {
      const today = todayUtc();
      return engagementMetrics(app.db, resolveRange(request.query, today), today);
    },
  );

  app.get(
    '/metrics/growth',
    {
      config: admin,
      schema: {
        operationId: 'getGrowthMetrics',
        summary: 'New users, total users and DAU a day; week-over-week and month-over-month',
        description: RANGE_NOTE,
        tags: ['metrics'],
        querystring: RangeQuery,
        response: { 200: GrowthMetrics },
      },
    },
    async (request) => {
      const today = todayUtc();
      return growthMetrics(app.db, resolveRange(request.query, today), today);
    },
  );

  app.get(
    '/metrics/health',
    {
      config: admin,
      schema: {
        operationId: 'getHealthMetrics',
        summary: 'Errors of the last 24 h, open reports, database, view refreshes',
        description:
          'An unreachable database is reported in `database.reachable` (the counts are then ' +
          'null), not as an error.',
        tags: ['metrics'],
        response: { 200: HealthMetrics },
      },
    },
    async () => healthMetrics(app.database),
  );

  app.get(
    '/metrics/trending',
    {
      config: admin,
      schema: {
        operationId: 'getTrendingMetrics',
        summary: 'Trending tickers and the posts of the last 24 h with the most engagement',
        description:
          'Tickers by mentions in `window` (from the trending_tickers view); posts of the last ' +
          '24 h by reactions + 2 × comments + 3 × reposts (live).',
        tags: ['metrics'],
        querystring: TrendingQuery,
        response: { 200: TrendingMetrics },
      },
    },
    async (request) => trendingMetrics(app.db, request.query.window, request.query.limit),
  );

  app.get(
    '/metrics/export',
    {
      config: admin,
      schema: {
        operationId: 'exportMetrics',
        summary: 'The daily metrics as a CSV or JSON file',
        description:
          `One row a day: ${EXPORT_COLUMNS.join(', ')}. A file ` +
          '(`Content-Disposition: attachment; filename="pageshare-metrics-<from>-<to>.csv"`); ' +
          `headers X-Metrics-Refreshed-At and X-Metrics-Live-From as in the other answers. ${RANGE_NOTE}`,
        tags: ['metrics'],
        querystring: ExportQuery,
        response: {
          200: {
            description: 'the file',
            content: {
              'text/csv': { schema: Type.String({ description: 'CSV with a header row' }) },
              'application/json': { schema: Type.Array(ExportRow) },
            },
          },
        },
      },
    },
    async (request, reply) => {
      const today = todayUtc();
      const range = resolveRange(request.query, today);
      const { rows, refreshed_at, live_from } = await exportRows(app.db, range, today);
      const format = request.query.format;
      reply
        .header(
          'content-disposition',
          `attachment; filename="pageshare-metrics-${range.from}-${range.to}.${format}"`,
        )
        .header('x-metrics-refreshed-at', refreshed_at ?? 'never')
        .header('x-metrics-live-from', live_from ?? 'none')
        .header('cache-control', 'no-store');
      if (format === 'json') {
        return reply.type('application/json; charset=utf-8').send(rows);
      }
      return reply.type('text/csv; charset=utf-8').send(toCsv(EXPORT_COLUMNS, rows));
    },
  );
}
