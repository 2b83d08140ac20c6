import { Type } from 'typebox';
import { Ticker } from '../../core/tickers.js';
import { UserSummary } from '../../core/users.js';
import { Text } from '../../lib/schemas.js';
import { SEARCH_LIMIT_DEFAULT, SEARCH_LIMIT_MAX } from './search.service.js';

export const SearchQuery = Type.Object({
  q: Text({
    // a coarse guard; 1-100 characters after trimming is checked by the service
    maxLength: 400,
    description:
      '1-100 characters. A leading `$` or `#` searches tickers only, `@` users only. ' +
      'One or two characters match by exact and prefix only; three or more also find ' +
      'similar strings (typos).',
  }),
  type: Type.Union([Type.Literal('all'), Type.Literal('users'), Type.Literal('tickers')], {
    default: 'all',
  }),
  limit: Type.Integer({
    minimum: 1,
    maximum: SEARCH_LIMIT_MAX,
    default: SEARCH_LIMIT_DEFAULT,
    description: 'at most this many users and this many tickers',
  }),
});

export const SearchResults = Type.Object({
  users: Type.Array(UserSummary),
  tickers: Type.Array(Ticker),
});
