import { type Static, Type } from 'typebox';
import { Sentiment } from '../../core/posts.schemas.js';
import { Nullable, OffsetPageQuery, PageQuery, Text, Timestamp, Uuid } from '../../lib/schemas.js';

/** Request schemas of the posts routes; the Post they answer is core/posts.schemas.ts. */

export const POST_CONTENT_MAX = 1000;
export const POST_MEDIA_MAX = 4;

/** The coarse guard of free text: the exact limit is checked after trimming (cleanText). */
export const PostContent = Text({
  maxLength: 4000,
  description: '0-1000 characters after trimming; empty only with media or a poll',
});

export const POLL_OPTION_MAX = 80;

/** A poll as it is created with a post. */
export const NewPoll = Type.Object(
  {
    options: Type.Array(Text({ maxLength: 200, description: '1-80 characters after trimming' }), {
      minItems: 2,
      maxItems: 4,
      description: '2-4 options, distinct ignoring case',
    }),
    duration_days: Type.Optional(
      Type.Integer({ minimum: 1, maximum: 7, default: 1, description: 'open for 1-7 days' }),
    ),
  },
  { additionalProperties: false },
);
export type NewPoll = Static<typeof NewPoll>;

export const NewPost = Type.Object({
  content: PostContent,
  sentiment: Type.Optional(Nullable(Sentiment)),
  media_ids: Type.Optional(
    Type.Array(Uuid, {
      maxItems: POST_MEDIA_MAX,
      uniqueItems: true,
      description: 'uploads of the author not attached to another post',
    }),
  ),
  poll: Type.Optional(NewPoll),
});
export type NewPost = Static<typeof NewPost>;

export const EditPost = Type.Object(
  {
    content: Type.Optional(PostContent),
    sentiment: Type.Optional(Nullable(Sentiment)),
  },
  { additionalProperties: false, minProperties: 1 },
);
export type EditPost = Static<typeof EditPost>;

/** A version of a post that an edit replaced. */
export const PostEdit = Type.Object(
  {
    content: Type.String(),
    sentiment: Nullable(Sentiment),
    tickers: Type.Array(Type.String()),
    edited_at: Timestamp,
  },
  { description: 'a version of the post, with the time an edit replaced it' },
);
export type PostEdit = Static<typeof PostEdit>;

export const EditsQuery = Type.Object({ ...PageQuery });

export const PostsQuery = Type.Object({
  ...OffsetPageQuery,
  ticker: Type.Optional(
    Type.String({ maxLength: 12, description: 'a symbol, e.g. AAPL or $AAPL' }),
  ),
  author_id: Type.Optional(Uuid),
  sentiment: Type.Optional(Sentiment),
});
export type PostsQuery = Static<typeof PostsQuery>;

export const UserPostsQuery = Type.Object({ ...OffsetPageQuery });
export type UserPostsQuery = Static<typeof UserPostsQuery>;
