import { type Static, Type } from 'typebox';
import { PageQuery, Text } from '../../lib/schemas.js';
import { SEARCH_QUERY_MAX } from './post-search.parser.js';
import { RELEVANCE_CANDIDATES } from './post-search.repository.js';

export const PostSearchQuery = Type.Object({
  q: Text({
    // a coarse guard; 1-200 characters after trimming is checked by the service
    maxLength: 800,
    description:
      `1-${SEARCH_QUERY_MAX} characters. Words match by stem (\`earnings\` finds \`earning\`) ` +
      'and all must match; `"a phrase"` matches the words in order; `-word` and `-"a phrase"` ' +
      'exclude. Operators: `$SYM` or `#SYM` (mentions the ticker), `@username` (mentions the ' +
      'user), `from:username`, `sentiment:bullish|bearish`, `since:YYYY-MM-DD`, ' +
      '`until:YYYY-MM-DD` (UTC days, inclusive), `has:media`, `has:poll`. An operator with a ' +
      'bad value is a 422 naming it. Any other character is read as text, never as syntax.',
  }),
  sort: Type.Union([Type.Literal('recent'), Type.Literal('relevance')], {
    default: 'recent',
    description:
      '`recent`: newest first; `relevance`: by ts_rank, then newest first, over the ' +
      `${RELEVANCE_CANDIDATES.toLocaleString('en-US')} newest matches (the cursor keeps that set)`,
  }),
  ...PageQuery,
});
export type PostSearchQuery = Static<typeof PostSearchQuery>;
