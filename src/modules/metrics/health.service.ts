import type { Static } from 'typebox';
import { trendingTickers } from '../../core/tickers.js';
import type { Database, Db } from '../../db/index.js';
import { healthCounts, trendingPosts } from './health.repository.js';
import {
  ERROR_LEVELS,
  ERROR_SOURCES,
  type HealthMetrics,
  type TrendingMetrics,
} from './metrics.schemas.js';
import { lastRefreshes, MATERIALIZED_VIEWS } from './views.repository.js';

const DAY_MS = 86_400_000;
type Level = (typeof ERROR_LEVELS)[number];
type Source = (typeof ERROR_SOURCES)[number];

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
  const [counts, refreshed] = await Promise.all([
    healthCounts(database.db, since),
    lastRefreshes(database.db),
  ]);
  const byLevel = Object.fromEntries(ERROR_LEVELS.map((l) => [l, 0])) as Record<Level, number>;
  const bySource = Object.fromEntries(ERROR_SOURCES.map((s) => [s, 0])) as Record<Source, number>;
  // the table's check constraints allow only these levels and sources
  for (const row of counts.errors) {
    byLevel[row.level as Level] += row.count;
    bySource[row.source as Source] += row.count;
  }
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
  const [tickers, posts] = await Promise.all([
    trendingTickers(db, window, limit),
    trendingPosts(db, since, limit),
  ]);
  return {
    window,
    refreshed_at: tickers.refreshed_at,
    tickers: tickers.items,
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
