import { type Static, Type } from 'typebox';
import { UserSummary } from '../../core/users.js';
import { Nullable, PageQuery, Text, Timestamp, Uuid } from '../../lib/schemas.js';

/** A comment, or a reply to one. */
export const Comment = Type.Object(
  {
    id: Uuid,
    post_id: Uuid,
    parent_id: Nullable(Uuid),
    author: UserSummary,
    content: Type.String(),
    stats: Type.Object({ reactions: Type.Integer(), replies: Type.Integer() }),
    viewer: Type.Object({ reacted: Type.Boolean() }, { description: 'false when anonymous' }),
    created_at: Timestamp,
    updated_at: Timestamp,
  },
  { $id: 'Comment', title: 'Comment' },
);
export type Comment = Static<typeof Comment>;

export const COMMENT_CONTENT_MAX = 1000;

export const NewComment = Type.Object({
  content: Text({ maxLength: 4000, description: '1-1000 characters after trimming' }),
  parent_id: Type.Optional(Nullable(Uuid)),
});
export type NewComment = Static<typeof NewComment>;

export const CommentsQuery = Type.Object({ ...PageQuery });
export type CommentsQuery = Static<typeof CommentsQuery>;
