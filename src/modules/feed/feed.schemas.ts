import { type Static, Type } from 'typebox';
import { OffsetPageQuery } from '../../lib/schemas.js';

export const FeedQuery = Type.Object({
  type: Type.Union([Type.Literal('all'), Type.Literal('following')], {
    default: 'all',
    description:
      '`all`: every post; `following`: posts and plain reposts by the users you follow and ' +
      'by you (needs a token)',
  }),
  ...OffsetPageQuery,
});
export type FeedQuery = Static<typeof FeedQuery>;
