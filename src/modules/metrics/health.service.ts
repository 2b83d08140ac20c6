import type { Static } from 'typebox';
import type { Database, Db } from '../../db/index.js';
import {
  healthCounts,
  trendingPosts,
  trendingTickers,
  viewRefreshes,
} from './health.repository.js';
import type { HealthMetrics, TrendingMetrics } from './metrics.schemas.js';
import { MATERIALIZED_VIEWS } from './views.repository.js';

const DAY_MS = 86_400_000;
const LEVELS = ['fatal', 'error', 'warning', 'info'] as const;
const SOURCES = ['backend', 'frontend', 'mobile'] as const;
type Level = (typeof LEVELS)[number];
type Source = (typeof SOURCES)[number];

/**
 * Platform health. An unreachable database is an answer here, not an error: the page that
 * shows it is the one an admin opens when things go wrong (an admin by token claim or by
 * ADMIN_USER_IDS gets this far without the database).
 */
export async function healthMetrics(
  database: Database,
  now = new Date(),
): Promise<Static<typeof HealthMetrics>> {
  const since = new Date(now.getTime() - DAY_MS);
  const window = { from: since.toISOString(), to: now.toISOString() };
  let roundTrip: number;
  try {
    roundTrip = await database.ping(2_000);
  } catch {
    return {
      window,
      database: { reachable: false, round_trip_ms: null },
      errors_24h: null,
      unresolved_errors: null,
      open_reports: null,
      views: MATERIALIZED_VIEWS.map((name) => ({ name, refreshed_at: null, duration_ms: null })),
    };
  }
  const [counts, refreshes] = await Promise.all([
    healthCounts(database.db, since),
    viewRefreshes(database.db),
  ]);
  const byLevel = Object.fromEntries(LEVELS.map((l) => [l, 0])) as Record<Level, number>;
  const bySource = Object.fromEntries(SOURCES.map((s) => [s, 0])) as Record<Source, number>;
  // the table's check constraints allow only these levels and sources
  for (const row of counts.errors) {
    byLevel[row.level as Level] += row.count;
    bySource[row.source as Source] += row.count;
  }
  const refreshed = new Map(refreshes.map((r) => [r.view_name, r]));
  return {
    window,
    database: { reachable: true, round_trip_ms: Math.round(roundTrip * 100) / 100 },
    errors_24h: {
      total: counts.errors.reduce((sum, row) => sum + row.count, 0),
      by_level: byLevel,
      by_source: bySource,
      by_level_and_source: counts.errors,
    },
    unresolved_errors: counts.unresolved_errors,
    open_reports: counts.open_reports,
    views: MATERIALIZED_VIEWS.map((name) => {
      const row = refreshed.get(name);
      return {
        name,
        refreshed_at: row?.refreshed_at.toISOString() ?? null,
        duration_ms: row?.duration_ms ?? null,
      };
    }),
  };
}

export async function trendingMetrics(
  db: Db,
  window: '1h' | '24h' | '7d',
  limit: number,
  now = new Date(),
): Promise<Static<typeof TrendingMetrics>> {
  const since = new Date(now.getTime() - DAY_MS);
  const [tickers, posts, refreshes] = await Promise.all([
    trendingTickers(db, window, limit),
    trendingPosts(db, since, limit),
    viewRefreshes(db),
  ]);
  const refreshed = refreshes.find((r) => r.view_name === 'trending_tickers');
  return {
    window,
    refreshed_at: refreshed?.refreshed_at.toISOString() ?? null,
    tickers,
    posts: {
      from: since.toISOString(),
      to: now.toISOString(),
      items: posts.map((p) => ({
        id: p.id,
        author: {
          id: p.author_id,
          username: p.username,
          display_name: p.display_name,
          profile_picture_url: p.profile_picture_url,
        },
        content: p.content,
        created_at: p.created_at.toISOString(),
        reactions: p.reactions,
        comments: p.comments,
        reposts: p.reposts,
        score: p.score,
      })),
    },
  };
}
