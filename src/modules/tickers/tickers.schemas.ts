import { Type } from 'typebox';
import { Ticker } from '../../core/tickers.js';
import { Nullable, PageQuery, Timestamp } from '../../lib/schemas.js';

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

export const Watchlist = Type.Object({
  items: Type.Array(Ticker, { description: 'in the order they were added' }),
});

export const TickerPostsQuery = Type.Object({ ...PageQuery });

export const SENTIMENT_MAX_BUCKETS = 1000;

export const SentimentQuery = Type.Object({
  interval: Type.Union([Type.Literal('1h'), Type.Literal('1d')], {
    default: '1h',
    description: 'bucket width: a UTC hour or a UTC day',
  }),
  from: Type.Optional(
    Type.String({
      format: 'date-time',
      description:
        'the first bucket is the one holding this time (default: 167 hours or 89 days before ' +
        'the last, so 168 hourly or 90 daily buckets)',
    }),
  ),
  to: Type.Optional(
    Type.String({
      format: 'date-time',
      description: 'the last bucket is the one holding this time (default: now)',
    }),
  ),
});

export const SentimentSeries = Type.Object({
  symbol: Type.String(),
  interval: Type.Union([Type.Literal('1h'), Type.Literal('1d')]),
  items: Type.Array(
    Type.Object({
      t: { ...Timestamp, description: 'the UTC start of the bucket' },
      posts: Type.Integer({ minimum: 0, description: 'live posts that mention the ticker' }),
      bullish: Type.Integer({ minimum: 0 }),
      bearish: Type.Integer({ minimum: 0 }),
      authors: Type.Integer({ minimum: 0, description: 'distinct authors of those posts' }),
    }),
    {
      description: `one per bucket, oldest first, empty ones as zeros; at most ${SENTIMENT_MAX_BUCKETS}`,
    },
  ),
});
