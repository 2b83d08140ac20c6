import { type Static, type TSchema, Type } from 'typebox';
import { Nullable, Timestamp, Uuid } from '../lib/schemas.js';
import { Poll } from './polls.js';
import { UserSummary } from './users.js';

/** The Post object and its parts, as every list and route that answers posts shows them. */

/** An image of a post, as the post shows it (the media module answers uploads with the same). */
export const PostMedia = Type.Object(
  {
    id: Uuid,
    url: Type.String(),
    content_type: Type.String(),
    size: Type.Integer(),
    width: Type.Integer(),
    height: Type.Integer(),
  },
  { $id: 'PostMedia', title: 'PostMedia' },
);
export type PostMedia = Static<typeof PostMedia>;

export const Sentiment = Type.Union([Type.Literal('bullish'), Type.Literal('bearish')]);
export type Sentiment = Static<typeof Sentiment>;

/**
 * A named schema nested more than once in one response (a Post's author and its quoted post's
 * author) must not carry its $id each time: the serializer refuses an $id that "resolves to
 * more than one schema". Inside a Post, the parts are inlined without theirs.
 */
function inline<T extends TSchema>(schema: T): T {
  const { $id: _id, ...rest } = schema as T & { $id?: string };
  return rest as T;
}

const postFields = {
  id: Uuid,
  author: inline(UserSummary),
  content: Type.String(),
  sentiment: Nullable(Sentiment),
  tickers: Type.Array(Type.String(), { description: 'symbols in order of first mention' }),
  media: Type.Array(inline(PostMedia)),
  poll: Nullable(inline(Poll)),
  stats: Type.Object({
    reactions: Type.Integer(),
    comments: Type.Integer(),
    reposts: Type.Integer({ description: 'plain reposts' }),
    quotes: Type.Integer({ description: 'live posts quoting this one' }),
  }),
  viewer: Type.Object(
    { reacted: Type.Boolean(), reposted: Type.Boolean(), bookmarked: Type.Boolean() },
    { description: 'all false when anonymous' },
  ),
  created_at: Timestamp,
  updated_at: Timestamp,
  edited_at: Nullable(
    Type.String({
      format: 'date-time',
      description: 'when the post was last edited; null if never',
    }),
  ),
  edit_count: Type.Integer({ minimum: 0, description: 'edits so far (GET /posts/{id}/edits)' }),
};

/** A post shown inside a quote: one level deep, so its own quoted_post is null. */
export const QuotedPost = Type.Object(
  { ...postFields, quoted_post: Type.Null() },
  { $id: 'QuotedPost', title: 'QuotedPost' },
);
export type QuotedPost = Static<typeof QuotedPost>;

export const DeletedPost = Type.Object(
  { id: Uuid, deleted: Type.Literal(true) },
  { $id: 'DeletedPost', title: 'DeletedPost', description: 'a quoted post that was deleted' },
);
export type DeletedPost = Static<typeof DeletedPost>;

/** A post. reposted_by is set only where a post surfaced through a plain repost (the feed). */
export const Post = Type.Object(
  {
    ...postFields,
    quoted_post: Nullable(Type.Union([QuotedPost, DeletedPost])),
    reposted_by: Type.Optional(inline(UserSummary)),
  },
  { $id: 'Post', title: 'Post' },
);
export type Post = Static<typeof Post>;
