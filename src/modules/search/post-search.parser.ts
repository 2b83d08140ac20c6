import { invalid } from '../../lib/errors.js';
import { normalizeSymbol } from '../../lib/tickers.js';

/**
 * The query language of GET /search/posts, parsed into a plain description of what to match.
 * Nothing here builds SQL or a tsquery string: words and phrases are handed to PostgreSQL's
 * plainto_tsquery / phraseto_tsquery as values, which read any text without a syntax error,
 * so no user input can break the query (search.repository.ts).
 *
 * A query is terms separated by white space:
 * - `word`: must match (by stem); `-word`: must not;
 * - `"a phrase"` / `-"a phrase"`: the words in that order (an unclosed quote runs to the end);
 * - `$SYM` or `#SYM`: mentions the ticker (a `$` or `#` word that is not a symbol, like `$100`,
 *   is a plain word);
 * - `@username`: mentions the user (exact token);
 * - `from:username` (`@` allowed), `sentiment:bullish|bearish`, `since:YYYY-MM-DD`,
 *   `until:YYYY-MM-DD` (UTC days, both inclusive), `has:media`, `has:poll`. Operator names are
 *   read in any case; a bad value, an empty one, or from/sentiment/since/until given twice is a
 *   422 naming the operator. A word with another `name:` prefix is a plain word.
 */
export interface PostSearch {
  words: string[];
  phrases: string[];
  notWords: string[];
  notPhrases: string[];
  /** upper case, as stored */
  tickers: string[];
  /** lower case, without the @ */
  mentions: string[];
  /** lower case */
  from?: string;
  sentiment?: 'bullish' | 'bearish';
  /** the first instant of the since day */
  since?: Date;
  /** the first instant AFTER the until day (until is inclusive) */
  until?: Date;
  hasMedia: boolean;
  hasPoll: boolean;
}

export const SEARCH_QUERY_MAX = 200;
const USERNAME = /^[A-Za-z0-9_]{3,30}$/;
const DAY = /^(\d{4})-(\d{2})-(\d{2})$/;
const OPERATOR = /^([A-Za-z]+):(.*)$/s;
const OPERATORS = new Set(['from', 'sentiment', 'since', 'until', 'has']);
const DAY_MS = 86_400_000;

function refuse(operator: string, message: string) {
  return invalid('q', `${operator}: ${message}`);
}

function parseDay(operator: string, value: string): Date {
  const m = DAY.exec(value);
  const ms = m ? Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])) : Number.NaN;
  if (!m || new Date(ms).toISOString().slice(0, 10) !== value) {
    throw refuse(operator, `must be a day as YYYY-MM-DD (got "${value.slice(0, 40)}")`);
  }
  return new Date(ms);
}

/** Splits the query into terms: words, and phrases in double quotes, each maybe negated. */
export function tokenize(q: string): { text: string; negated: boolean; quoted: boolean }[] {
  const terms: { text: string; negated: boolean; quoted: boolean }[] = [];
  let i = 0;
  while (i < q.length) {
    if (/\s/.test(q[i]!)) {
      i++;
      continue;
    }
    let negated = false;
    if (q[i] === '-' && i + 1 < q.length && !/\s/.test(q[i + 1]!)) {
      negated = true;
      i++;
    }
    if (q[i] === '"') {
      const end = q.indexOf('"', i + 1);
      const stop = end === -1 ? q.length : end;
      terms.push({ text: q.slice(i + 1, stop), negated, quoted: true });
      i = stop + 1;
      continue;
    }
    let j = i;
    while (j < q.length && !/\s/.test(q[j]!)) j++;
    terms.push({ text: q.slice(i, j), negated, quoted: false });
    i = j;
  }
  return terms;
}

/** The query `q` (already trimmed, 1-200 characters) → what to match; 422 for a bad operator. */
export function parsePostSearch(q: string): PostSearch {
  const search: PostSearch = {
    words: [],
    phrases: [],
    notWords: [],
    notPhrases: [],
    tickers: [],
    mentions: [],
    hasMedia: false,
    hasPoll: false,
  };
  const seen = new Set<string>();
  const once = (operator: string) => {
    if (seen.has(operator)) throw refuse(operator, 'may be given once');
    seen.add(operator);
  };

  for (const term of tokenize(q)) {
    const text = term.text.trim();
    if (text === '') continue;
    if (term.quoted) {
      (term.negated ? search.notPhrases : search.phrases).push(text);
      continue;
    }
    if (term.negated) {
      search.notWords.push(text);
      continue;
    }
    const op = OPERATOR.exec(text);
    const name = op?.[1]?.toLowerCase();
    if (op && name && OPERATORS.has(name)) {
      const value = op[2]!;
      if (value === '') throw refuse(name, 'needs a value');
      switch (name) {
        case 'from': {
          once(name);
          const username = value.replace(/^@/, '');
          if (!USERNAME.test(username)) {
            throw refuse(name, 'must be a username (3-30 of A-Z a-z 0-9 _)');
          }
          search.from = username.toLowerCase();
          break;
        }
        case 'sentiment': {
          once(name);
          const s = value.toLowerCase();
          if (s !== 'bullish' && s !== 'bearish') {
            throw refuse(name, 'must be bullish or bearish');
          }
          search.sentiment = s;
          break;
        }
        case 'since':
          once(name);
          search.since = parseDay(name, value);
          break;
        case 'until':
          once(name);
          search.until = new Date(parseDay(name, value).getTime() + DAY_MS);
          break;
        case 'has': {
          const what = value.toLowerCase();
          if (what === 'media') search.hasMedia = true;
          else if (what === 'poll') search.hasPoll = true;
          else throw refuse(name, 'must be media or poll');
          break;
        }
      }
      continue;
    }
    if (text[0] === '$' || text[0] === '#') {
      const symbol = normalizeSymbol(text);
      if (symbol !== undefined) {
        if (!search.tickers.includes(symbol)) search.tickers.push(symbol);
        continue;
      }
    }
    if (text[0] === '@' && USERNAME.test(text.slice(1))) {
      const name = text.slice(1).toLowerCase();
      if (!search.mentions.includes(name)) search.mentions.push(name);
      continue;
    }
    search.words.push(text);
  }
  if (search.since && search.until && search.since >= search.until) {
    throw refuse('until', 'must not be before since');
  }
  return search;
}
