import { type Static, Type } from 'typebox';
import { OffsetPageQuery } from '../../lib/schemas.js';

export const FeedQuery = Type.Object({
  type: Type.Union([Type.Literal('all'), Type.Literal('following'), Type.Literal('watchlist')], {
    default: 'all',
    description:
      '`all`: every post; `following`: posts and plain reposts by the users you follow and ' +
      'by you (needs a token); `watchlist`: posts that mention a ticker on your watchlist ' +
      '(needs a user who has onboarded)',
  }),
  ...OffsetPageQuery,
});
export type FeedQuery = Static<typeof FeedQuery>;
