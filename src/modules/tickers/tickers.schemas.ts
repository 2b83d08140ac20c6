import { Type } from 'typebox';
import { Ticker } from '../../core/tickers.js';
import { Nullable, PageQuery } from '../../lib/schemas.js';

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
