import { type Static, type TSchema, Type } from 'typebox';
import { UserSummary } from '../../core/users.js';
import { Nullable, Timestamp, Uuid } from '../../lib/schemas.js';
import { MAX_WEEKS_SINCE } from './metrics.repository.js';

/** Investor metrics (docs/metrics.md): request and response schemas of the /metrics routes. */

export const MAX_RANGE_DAYS = 366;
export const DEFAULT_RANGE_DAYS = 30;

export const Day = Type.String({ format: 'date', description: 'a UTC calendar day, YYYY-MM-DD' });

export const RangeQuery = Type.Object({
  from: Type.Optional(
    Type.String({ format: 'date', description: 'first day (UTC), default `to` minus 29 days' }),
  ),
  to: Type.Optional(
    Type.String({ format: 'date', description: 'last day (UTC), at most today; default today' }),
  ),
});
export type RangeQuery = Static<typeof RangeQuery>;

const Ratio = (description: string) =>
  Nullable(Type.Number({ description: `${description}; null when there is nothing to divide by` }));

/** What every answer with days in it says about them. */
const Covered = {
  range: Type.Object(
    { from: Day, to: Day, days: Type.Integer({ minimum: 1 }) },
    { description: 'the days this answer covers (inclusive, UTC)' },
  ),
  refreshed_at: Nullable(
    Type.String({
      format: 'date-time',
      description:
        'when daily_metrics and engagement_metrics were last refreshed (the older of the ' +
        'two); null when never since the service was set up',
    }),
  ),
  live_from: Nullable(
    Type.String({
      format: 'date',
      description:
        'the first day computed live from the tables (today, and any day after the views were ' +
        'last refreshed); the days before it come from the views. Null: all from the views',
    }),
  ),
};

const Count = Type.Integer({ minimum: 0 });
/** A figure of one day: null when there is no data for the day (docs/metrics.md). */
const DayCount = (description?: string) =>
  Nullable(
    Type.Integer({
      minimum: 0,
      description: `${description ? `${description}; ` : ''}null when there is no data for the day`,
    }),
  );
const Partial = Type.Boolean({
  description: 'true for today: the day is not over, its figures are still coming in',
});
export const ENGAGEMENT_KINDS = [
  'posts',
  'comments',
  'reactions',
  'reposts',
  'bookmarks',
  'poll_votes',
] as const;
export type EngagementKind = (typeof ENGAGEMENT_KINDS)[number];

const record = <K extends string, T extends TSchema>(keys: readonly K[], schema: T) =>
  Type.Object(Object.fromEntries(keys.map((key) => [key, schema])) as Record<K, T>);

const EngagementCounts = record(ENGAGEMENT_KINDS, Count);
const EngagementDayCounts = record(ENGAGEMENT_KINDS, DayCount());
const PerActiveUser = record(ENGAGEMENT_KINDS, Ratio('count / active users'));

export const UsersDay = Type.Object({
  date: Day,
  partial: Partial,
  dau: DayCount(),
  wau: DayCount(),
  mau: DayCount(),
  stickiness: Ratio('DAU / MAU'),
  new_users: DayCount(),
  total_users: DayCount(),
});

const Retained = Nullable(
  Type.Object(
    {
      active: Count,
      share: Ratio('active / size'),
      partial: Type.Boolean({ description: 'true when that day is today (not over yet)' }),
    },
    { description: 'null until that day has come' },
  ),
);

export const RetentionAverages = Type.Object(
  { d1: Ratio('D1'), d7: Ratio('D7'), d30: Ratio('D30') },
  { description: 'shares over every cohort of the range whose day has come, weighted by size' },
);

export const UsersMetrics = Type.Object({
  ...Covered,
  summary: Type.Object({
    date: Day,
    dau: DayCount('on the last day of the range'),
    wau: DayCount('on the last day of the range'),
    mau: DayCount('on the last day of the range'),
    stickiness: Ratio('DAU / MAU'),
    new_users: Nullable(
      Type.Integer({
        minimum: 0,
        description: 'profiles created in the range; null when no day of the range has data',
      }),
    ),
    total_users: DayCount('on the last day of the range'),
  }),
  series: Type.Array(UsersDay),
  retention: Type.Object({
    average: RetentionAverages,
    daily: Type.Array(
      Type.Object({
        cohort: Day,
        partial: Type.Boolean({ description: 'true for today: the cohort is still growing' }),
        size: Nullable(
          Type.Integer({
            minimum: 0,
            description: 'null for a day before the first day of the service (no cohort)',
          }),
        ),
        d1: Retained,
        d7: Retained,
        d30: Retained,
      }),
      { description: 'one row a day of the range: the users who onboarded that day' },
    ),
    weekly: Type.Array(
      Type.Object({
        cohort_week: Type.String({ format: 'date', description: 'the Monday of the week' }),
        size: Count,
        weeks: Type.Array(
          Type.Object({
            weeks_since: Type.Integer({ minimum: 0, maximum: MAX_WEEKS_SINCE }),
            active: Count,
            share: Ratio('active / size'),
            partial: Type.Boolean({ description: 'true for the current week (not over yet)' }),
          }),
          { description: 'weeks since onboarding, 0-12, up to the current week' },
        ),
      }),
      {
        description:
          'cohort weeks (Monday-Sunday, UTC) overlapping the range, the latest 13 at most',
      },
    ),
  }),
});

export const EngagementDay = Type.Object({
  date: Day,
  partial: Partial,
  dau: DayCount(),
  ...EngagementDayCounts.properties,
  creators: DayCount('active users who posted that day'),
  creators_share: Ratio('creators / DAU'),
  per_active_user: PerActiveUser,
});

export const EngagementTotals = Type.Object({
  ...EngagementCounts.properties,
  active_user_days: Type.Integer({
    minimum: 0,
    description: 'the sum of DAU over the range (the counts too: over the days with data)',
  }),
  per_active_user: PerActiveUser,
  creators_share: Ratio('creators / DAU, summed over the range'),
});

export const EngagementMetrics = Type.Object({
  ...Covered,
  totals: EngagementTotals,
  series: Type.Array(EngagementDay),
});

const Change = Type.Object({
  current: Count,
  previous: Count,
  change_pct: Nullable(
    Type.Number({ description: '(current - previous) / previous × 100; null when previous is 0' }),
  ),
});
const Comparison = (days: number, active: string) =>
  Type.Object(
    {
      period_days: Type.Literal(days),
      new_users: Change,
      active_users: Type.Object({ ...Change.properties }, { description: active }),
    },
    {
      description: `the ${days} days ending with the range's last day against the ${days} before`,
    },
  );

export const GrowthComparisons = {
  week_over_week: Comparison(7, 'WAU on the last day against WAU 7 days before'),
  month_over_month: Comparison(30, 'MAU on the last day against MAU 30 days before'),
};

export const GrowthMetrics = Type.Object({
  ...Covered,
  series: Type.Array(
    Type.Object({
      date: Day,
      partial: Partial,
      new_users: DayCount(),
      total_users: DayCount(),
      dau: DayCount(),
    }),
  ),
  ...GrowthComparisons,
});

/** The levels and sources error_logs allows (its check constraints). */
export const ERROR_LEVELS = ['fatal', 'error', 'warning', 'info'] as const;
export const ERROR_SOURCES = ['backend', 'frontend', 'mobile'] as const;
const Levels = record(ERROR_LEVELS, Count);
const Sources = record(ERROR_SOURCES, Count);

export const HealthMetrics = Type.Object({
  window: Type.Object(
    { from: Timestamp, to: Timestamp },
    { description: 'the last 24 hours, for errors_24h' },
  ),
  database: Type.Object({
    reachable: Type.Boolean(),
    round_trip_ms: Nullable(Type.Number({ description: 'a `select 1`, milliseconds' })),
  }),
  errors_24h: Nullable(
    Type.Object({
      total: Count,
      by_level: Levels,
      by_source: Sources,
      by_level_and_source: Type.Array(
        Type.Object({ level: Type.String(), source: Type.String(), count: Count }),
      ),
    }),
  ),
  unresolved_errors: Nullable(Count),
  open_reports: Nullable(Count),
  views: Type.Array(
    Type.Object({
      name: Type.String(),
      refreshed_at: Nullable(Timestamp),
      duration_ms: Nullable(Type.Integer({ description: 'how long the last refresh took' })),
    }),
  ),
});

export const TrendingMetrics = Type.Object({
  window: Type.String({ description: 'the window of ticker mentions' }),
  refreshed_at: Nullable(
    Type.String({ format: 'date-time', description: 'when trending_tickers was last refreshed' }),
  ),
  tickers: Type.Array(Type.Object({ symbol: Type.String(), mentions: Count, rank: Count })),
  posts: Type.Object({
    from: Timestamp,
    to: Timestamp,
    items: Type.Array(
      Type.Object({
        id: Uuid,
        author: UserSummary,
        content: Type.String(),
        created_at: Timestamp,
        reactions: Count,
        comments: Count,
        reposts: Count,
        score: Type.Integer({ description: 'reactions + 2 × comments + 3 × reposts' }),
      }),
      { description: 'posts of the last 24 h, by score' },
    ),
  }),
});

export const DashboardMetrics = Type.Object({
  ...Covered,
  users: Type.Object({
    ...UsersMetrics.properties.summary.properties,
    retention: RetentionAverages,
  }),
  engagement: EngagementTotals,
  growth: Type.Object(GrowthComparisons),
  health: HealthMetrics,
  trending: TrendingMetrics,
});

export const ExportQuery = Type.Object({
  format: Type.Union([Type.Literal('csv'), Type.Literal('json')], { default: 'csv' }),
  ...RangeQuery.properties,
});

export const EXPORT_COLUMNS = [
  'date',
  'dau',
  'wau',
  'mau',
  'new_users',
  'total_users',
  ...ENGAGEMENT_KINDS,
  'partial',
] as const;

/** A figure is null (an empty cell in the CSV) on a day without data. */
export const ExportRow = Type.Object(
  Object.fromEntries(
    EXPORT_COLUMNS.map((c) => [c, c === 'date' ? Day : c === 'partial' ? Partial : DayCount()]),
  ),
);
