import { toUserSummary } from '../../core/users.js';
import type { Db } from '../../db/index.js';
import { invalid } from '../../lib/errors.js';
import { cleanText } from '../../lib/text.js';
import {
  searchTickersByPrefix,
  searchTickersBySimilarity,
  searchUsersByPrefix,
  searchUsersBySimilarity,
} from './search.repository.js';

type SearchType = 'all' | 'users' | 'tickers';

/**
 * Terms shorter than this match by exact and prefix only: one or two characters have too few
 * trigrams for similarity to mean anything, and would match a large share of all users.
 */
const SIMILAR_MIN_LENGTH = 3;
export const SEARCH_LIMIT_DEFAULT = 10;
export const SEARCH_LIMIT_MAX = 50;

export interface SearchQuery {
  q: string;
  type: SearchType;
  limit: number;
  viewerId: string | null;
}

/** `$AAPL` and `#AAPL` search tickers only, `@alice` users only (narrowing `type`, never widening). */
function parseQuery(raw: string, type: SearchType) {
  const q = cleanText(raw, 'q', { min: 1, max: 100 });
  const marker = q[0];
  let users = type !== 'tickers';
  let tickers = type !== 'users';
  let term = q;
  if (marker === '$' || marker === '#' || marker === '@') {
    term = q.slice(1).trim();
    if (term === '') throw invalid('q', `must hold something to search for after ${marker}`);
    if (marker === '@') tickers = false;
    else users = false;
  }
  return { term, users, tickers };
}

export async function search(db: Db, { q, type, limit, viewerId }: SearchQuery) {
  const { term, users, tickers } = parseQuery(q, type);
  const similar = term.length >= SIMILAR_MIN_LENGTH;
  const [userRows, tickerRows] = await Promise.all([
    users ? findUsers(db, term, viewerId, limit, similar) : [],
    tickers ? findTickers(db, term, limit, similar) : [],
  ]);
  return {
    users: userRows.map(toUserSummary),
    tickers: tickerRows.map((row) => ({
      symbol: row.symbol,
      name: row.name,
      post_count: row.post_count,
    })),
  };
}

// Exact and prefix matches first; similar strings only fill the places they left.
async function findUsers(
  db: Db,
  term: string,
  viewerId: string | null,
  limit: number,
  similar: boolean,
) {
  const byPrefix = await searchUsersByPrefix(db, { term, viewerId, limit });
  if (!similar || byPrefix.length >= limit) return byPrefix;
  const rest = await searchUsersBySimilarity(db, {
    term,
    viewerId,
    limit: limit - byPrefix.length,
  });
  return [...byPrefix, ...rest];
}

async function findTickers(db: Db, term: string, limit: number, similar: boolean) {
  const byPrefix = await searchTickersByPrefix(db, term, limit);
  if (!similar || byPrefix.length >= limit) return byPrefix;
  return [...byPrefix, ...(await searchTickersBySimilarity(db, term, limit - byPrefix.length))];
}
