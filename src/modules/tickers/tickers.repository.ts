import { sql } from 'kysely';
import type { Db } from '../../db/index.js';

/** A ticker with the live posts that mentioned it in the last 24 h, by sentiment. */
export async function findTickerPage(db: Db, symbol: string) {
  return db
    .selectFrom('tickers as t')
    .leftJoin('post_tickers as pt', (join) =>
      join
        .onRef('pt.symbol', '=', 't.symbol')
        .on('pt.created_at', '>', sql<Date>`now() - interval '24 hours'`),
    )
    .leftJoin('posts as p', (join) =>
      join.onRef('p.id', '=', 'pt.post_id').on('p.deleted_at', 'is', null),
    )
    .select(({ fn }) => [
      't.symbol',
      't.name',
      't.post_count',
      fn.count<number>('p.id').as('mentions'),
      fn.count<number>('p.id').filterWhere('p.sentiment', '=', 'bullish').as('bullish'),
      fn.count<number>('p.id').filterWhere('p.sentiment', '=', 'bearish').as('bearish'),
    ])
    .where('t.symbol', '=', symbol)
    .groupBy(['t.symbol', 't.name', 't.post_count'])
    .executeTakeFirst();
}

export async function listWatchlist(db: Db, userId: string) {
  return db
    .selectFrom('watchlist_items as w')
    .innerJoin('tickers as t', 't.symbol', 'w.symbol')
    .select(['t.symbol', 't.name', 't.post_count'])
    .where('w.user_id', '=', userId)
    .orderBy('w.created_at')
    .orderBy('w.symbol')
    .execute();
}

/**
 * Locks the user's row (no key update: it does not stand in the way of rows that merely refer
 * to the user) so that two additions at once cannot both squeeze past the watchlist cap.
 */
export async function lockWatchlist(db: Db, userId: string): Promise<void> {
  await db.selectFrom('users').select('id').where('id', '=', userId).forNoKeyUpdate().execute();
}

export async function watchlistState(db: Db, userId: string, symbol: string) {
  return db
    .selectFrom('watchlist_items')
    .select(({ fn }) => [
      fn.countAll<number>().as('size'),
      fn.countAll<number>().filterWhere('symbol', '=', symbol).as('has'),
    ])
    .where('user_id', '=', userId)
    .executeTakeFirstOrThrow();
}

export async function insertWatchlistItem(db: Db, userId: string, symbol: string): Promise<void> {
  await db
    .insertInto('watchlist_items')
    .values({ user_id: userId, symbol })
    .onConflict((oc) => oc.doNothing())
    .execute();
}

export async function deleteWatchlistItem(db: Db, userId: string, symbol: string): Promise<void> {
  await db
    .deleteFrom('watchlist_items')
    .where('user_id', '=', userId)
    .where('symbol', '=', symbol)
    .execute();
}

export async function tickerExists(db: Db, symbol: string): Promise<boolean> {
  const row = await db
    .selectFrom('tickers')
    .select('symbol')
    .where('symbol', '=', symbol)
    .executeTakeFirst();
  return row !== undefined;
}

/** The rollup rows of one ticker's buckets from `from` to `to` (bucket starts), oldest first. */
export async function findSentimentBuckets(
  db: Db,
  symbol: string,
  bucket: '1h' | '1d',
  from: Date,
  to: Date,
) {
  return db
    .selectFrom('ticker_sentiment')
    .select(['t', 'posts', 'bullish', 'bearish', 'authors'])
    .where('symbol', '=', symbol)
    .where('bucket', '=', bucket)
    .where('t', '>=', from)
    .where('t', '<=', to)
    .orderBy('t')
    .execute();
}
