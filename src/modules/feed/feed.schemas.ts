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

export const FanOutResult = Type.Object({
  posts: Type.Integer({ description: 'new posts taken from the outbox' }),
  reposts: Type.Integer({ description: 'new reposts taken from the outbox' }),
  rebuilt: Type.Integer({ description: 'home timelines built' }),
  folded: Type.Integer({
    description: 'pending counter deltas folded into their counters (0 while another fold runs)',
  }),
});
