import { Type } from 'typebox';
import { Nullable, PageQuery, Timestamp } from '../../lib/schemas.js';

/** API.md "Ticker". */
export const Ticker = Type.Object(
  {
    symbol: Type.String({ description: 'upper case, e.g. AAPL, BRK.B, BTC-USD' }),
    name: Nullable(Type.String()),
    post_count: Type.Integer({ minimum: 0, description: 'live posts that mention it' }),
  },
  { $id: 'Ticker', title: 'Ticker' },
);

export const SymbolParams = Type.Object({
  symbol: Type.String({ description: 'a symbol in any case, `$` or `#` prefix allowed' }),
});

export const TickerPage = Type.Object({
  symbol: Type.String(),
  name: Nullable(Type.String()),
  post_count: Type.Integer({ minimum: 0 }),
  mentions_24h: Type.Integer({ minimum: 0, description: 'live posts of the last 24 h' }),
  sentiment_24h: Type.Object({
    bullish: Type.Integer({ minimum: 0 }),
    bearish: Type.Integer({ minimum: 0 }),
  }),
});

export const TrendingQuery = Type.Object({
  window: Type.Union([Type.Literal('1h'), Type.Literal('24h'), Type.Literal('7d')], {
    default: '24h',
    description: 'mentions of the last hour, 24 hours or 7 days',
  }),
  limit: Type.Integer({ minimum: 1, maximum: 50, default: 10 }),
});

export const Trending = Type.Object({
  items: Type.Array(
    Type.Object({
      symbol: Type.String(),
      mentions: Type.Integer({ minimum: 0 }),
      rank: Type.Integer({ minimum: 1 }),
    }),
  ),
  refreshed_at: Nullable(Timestamp),
});

export const Watchlist = Type.Object({
  items: Type.Array(Ticker, { description: 'in the order they were added' }),
});

export const TickerPostsQuery = Type.Object({ ...PageQuery });
