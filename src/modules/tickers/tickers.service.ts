import type { PageQuery, PageResult } from '../../core/keyset.js';
import { listPosts } from '../../core/posts.list.js';
import type { Post } from '../../core/posts.schemas.js';
import { ensureTickers } from '../../core/tickers.js';
import type { Db } from '../../db/index.js';
import { invalid, notFound } from '../../lib/errors.js';
import type { JsonText } from '../../lib/json-text.js';
import { normalizeSymbol } from '../../lib/tickers.js';
import {
  deleteWatchlistItem,
  findSentimentBuckets,
  findTickerPage,
  insertWatchlistItem,
  listWatchlist,
  lockWatchlist,
  tickerExists,
  watchlistState,
} from './tickers.repository.js';
import { SENTIMENT_MAX_BUCKETS } from './tickers.schemas.js';

/** A watchlist holds at most this many tickers (a list to glance at, not a database). */
export const WATCHLIST_MAX = 200;

export async function getTickerPage(db: Db, rawSymbol: string) {
  // a malformed symbol names no ticker: 404, as a malformed id does
  const symbol = normalizeSymbol(rawSymbol);
  const row = symbol === undefined ? undefined : await findTickerPage(db, symbol);
  if (!row) throw notFound('ticker');
  return {
    symbol: row.symbol,
    name: row.name,
    post_count: row.post_count,
    mentions_24h: row.mentions,
    sentiment_24h: { bullish: row.bullish, bearish: row.bearish },
  };
}

/**
 * GET /tickers/{symbol}/posts: the ticker's live posts, newest first, read along the
 * post_tickers index; the viewer's mutes and blocks left out (a mute hides a user's posts from
 * ticker streams). The symbol is read as on the ticker page: any case, `$` or `#`
 * allowed; malformed or never mentioned is 404. 2 queries: the ticker, then the page.
 */
export async function getTickerPosts(
  db: Db,
  rawSymbol: string,
  query: PageQuery,
  viewerId: string | null,
): Promise<JsonText<PageResult<Post>>> {
  const symbol = normalizeSymbol(rawSymbol);
  if (symbol === undefined || !(await tickerExists(db, symbol))) throw notFound('ticker');
  return listPosts(db, { viewerId, ticker: symbol }, query);
}

/** On the watchlist routes the symbol is what the user asks to store: a malformed one is 422. */
function watchlistSymbol(raw: string): string {
  const symbol = normalizeSymbol(raw);
  if (symbol === undefined) {
    throw invalid('symbol', 'must be 1-5 letters, optionally . or - and 1-3 letters (BRK.B)');
  }
  return symbol;
}

export async function getWatchlist(db: Db, userId: string) {
  return { items: await listWatchlist(db, userId) };
}

export async function addToWatchlist(db: Db, userId: string, rawSymbol: string) {
  const symbol = watchlistSymbol(rawSymbol);
  return db.transaction().execute(async (trx) => {
    await lockWatchlist(trx, userId);
    const { size, has } = await watchlistState(trx, userId, symbol);
    if (!has) {
      if (size >= WATCHLIST_MAX) {
        throw invalid('symbol', `cannot be added: a watchlist holds at most ${WATCHLIST_MAX}`);
      }
      await ensureTickers(trx, [symbol]);
      await insertWatchlistItem(trx, userId, symbol);
    }
    return { items: await listWatchlist(trx, userId) };
  });
}

export async function removeFromWatchlist(db: Db, userId: string, rawSymbol: string) {
  await deleteWatchlistItem(db, userId, watchlistSymbol(rawSymbol));
  return { items: await listWatchlist(db, userId) };
}

const HOUR_MS = 3_600_000;
const BUCKET_MS = { '1h': HOUR_MS, '1d': 24 * HOUR_MS } as const;
/** Default length of a series: 168 hours (7 days) or 90 days. */
const DEFAULT_BUCKETS = { '1h': 168, '1d': 90 } as const;

export interface SentimentQuery {
  interval: '1h' | '1d';
  from?: string | undefined;
  to?: string | undefined;
}

/** The UTC start of the hour or day holding `ms` (UTC days are always 24 hours). */
function bucketStart(ms: number, width: number): number {
  return Math.floor(ms / width) * width;
}

/**
 * GET /tickers/{symbol}/sentiment: one bucket per UTC hour or day from the one holding `from`
 * to the one holding `to`, oldest first, empty ones as zeros, read from the ticker_sentiment
 * rollup (migration 0020), which triggers keep exact for live posts. 404 for an unknown
 * ticker; 422 when `from` is after `to` or the range holds more than 1,000 buckets.
 */
export async function getSentimentSeries(
  db: Db,
  rawSymbol: string,
  query: SentimentQuery,
  now = new Date(),
) {
  const width = BUCKET_MS[query.interval];
  const last = bucketStart(query.to === undefined ? now.getTime() : Date.parse(query.to), width);
  const first =
    query.from === undefined
      ? last - (DEFAULT_BUCKETS[query.interval] - 1) * width
      : bucketStart(Date.parse(query.from), width);
  if (first > last) throw invalid('from', 'must not be after to');
  const count = (last - first) / width + 1;
  if (count > SENTIMENT_MAX_BUCKETS) {
    throw invalid(
      'from',
      `gives ${count} buckets of ${query.interval}; at most ${SENTIMENT_MAX_BUCKETS} are answered`,
    );
  }
  const symbol = normalizeSymbol(rawSymbol);
  if (symbol === undefined || !(await tickerExists(db, symbol))) throw notFound('ticker');
  const rows = await findSentimentBuckets(
    db,
    symbol,
    query.interval,
    new Date(first),
    new Date(last),
  );
  const byStart = new Map(rows.map((r) => [r.t.getTime(), r]));
  const items = [];
  for (let t = first; t <= last; t += width) {
    const row = byStart.get(t);
    items.push({
      t: new Date(t).toISOString(),
      posts: row?.posts ?? 0,
      bullish: row?.bullish ?? 0,
      bearish: row?.bearish ?? 0,
      authors: row?.authors ?? 0,
    });
  }
  return { symbol, interval: query.interval, items };
}
