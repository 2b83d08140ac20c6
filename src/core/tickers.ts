import { sql } from 'kysely';
import { Type } from 'typebox';
import type { Db } from '../db/index.js';
import type { TrendingTickersView } from '../db/types.js';
import { Nullable, Timestamp } from '../lib/schemas.js';

/**
 * Tickers as several features need them: the Ticker object, the rows every first mention
 * creates (docs/tickers.md), and the trending ranking the materialized view keeps.
 */

export const Ticker = Type.Object(
  {
    symbol: Type.String({ description: 'upper case, e.g. AAPL, BRK.B, BTC-USD' }),
    name: Nullable(Type.String()),
    post_count: Type.Integer({ minimum: 0, description: 'live posts that mention it' }),
  },
  { $id: 'Ticker', title: 'Ticker' },
);

/**
 * Creates the tickers rows that are missing (a first mention, an interest, a watchlist entry
 * creates its ticker). In symbol order, so that two transactions adding overlapping new
 * symbols take their locks in the same order and cannot deadlock.
 */
export async function ensureTickers(db: Db, symbols: readonly string[]): Promise<void> {
  if (!symbols.length) return;
  await db
    .insertInto('tickers')
    .values([...symbols].sort().map((symbol) => ({ symbol })))
    .onConflict((oc) => oc.column('symbol').doNothing())
    .execute();
}

export type TrendingWindow = TrendingTickersView['period'];

export const TrendingQuery = Type.Object({
  window: Type.Union([Type.Literal('1h'), Type.Literal('24h'), Type.Literal('7d')], {
    default: '24h',
    description: 'mentions of the last hour, 24 hours or 7 days',
  }),
  limit: Type.Integer({ minimum: 1, maximum: 50, default: 10 }),
});

export type TrendingSort = 'mentions' | 'velocity';

/** GET /tickers/trending: the window and limit, and which ranking. */
export const TrendingTickersQuery = Type.Object({
  ...TrendingQuery.properties,
  sort: Type.Union([Type.Literal('mentions'), Type.Literal('velocity')], {
    default: 'mentions',
    description:
      '`mentions`: most mentioned first; `velocity`: mentions against the usual pace first, ' +
      'so a ticker waking up ranks above one that is always busy',
  }),
});

export const Trending = Type.Object({
  items: Type.Array(
    Type.Object({
      symbol: Type.String(),
      mentions: Type.Integer({ minimum: 0 }),
      rank: Type.Integer({ minimum: 1, description: 'place in the ranking asked for' }),
      baseline: Type.Number({
        minimum: 0,
        description:
          'mean mentions per window of the same length over the 7 days before the window ' +
          '(2 decimals)',
      }),
      velocity: Type.Number({
        minimum: 0,
        description: 'mentions ÷ max(baseline, 1), rounded to 2 decimals',
      }),
    }),
  ),
  refreshed_at: Nullable(Timestamp),
});

/**
 * Tickers ranked by mentions or by velocity in the window, from the trending_tickers
 * materialized view (each ranking's top 100; migration 0021), and when that view was last
 * refreshed (null: never since the service was set up).
 */
export async function trendingTickers(
  db: Db,
  window: TrendingWindow,
  limit: number,
  sort: TrendingSort = 'mentions',
) {
  const rankColumn = sort === 'velocity' ? 'velocity_rank' : 'rank';
  const [items, refreshed] = await Promise.all([
    db
      .selectFrom('trending_tickers')
      .select(['symbol', 'mentions', 'baseline', 'velocity', `${rankColumn} as rank`])
      .where('period', '=', window)
      .where(rankColumn, '<=', sql.lit(100))
      .orderBy(rankColumn)
      .limit(sql.lit(limit))
      .execute(),
    db
      .selectFrom('view_refreshes')
      .select('refreshed_at')
      .where('view_name', '=', 'trending_tickers')
      .executeTakeFirst(),
  ]);
  return { items, refreshed_at: refreshed?.refreshed_at.toISOString() ?? null };
}
