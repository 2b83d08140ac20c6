import { type Static, Type } from 'typebox';
import { UserSummary } from '../../core/users.js';
import { Nullable, PageQuery, Timestamp, Uuid } from '../../lib/schemas.js';

/** What a notification points at: the post or comment, with its text for the preview. */
const Excerpt = (what: string) =>
  Type.Object({ id: Uuid, content: Type.String() }, { description: what });

export const Notification = Type.Object(
  {
    id: Uuid,
    type: Type.Union(
      [
        Type.Literal('follow'),
        Type.Literal('like'),
        Type.Literal('comment'),
        Type.Literal('reply'),
        Type.Literal('repost'),
        Type.Literal('quote'),
        Type.Literal('mention'),
      ],
      {
        description:
          '`follow`: followed you; `like`: liked your post, or your comment (`comment` set); ' +
          '`comment`: commented on your post; `reply`: replied to your comment; `repost`: ' +
          'reposted your post; `quote`: quoted your post (`post` is their quote); `mention`: ' +
          'named you as @username in a post, or in a comment (`comment` set)',
      },
    ),
    actor: UserSummary,
    post: Nullable(Excerpt('the post concerned; for a quote, the quoting post')),
    comment: Nullable(Excerpt('the comment concerned: the one liked, written or replied with')),
    created_at: Timestamp,
    read: Type.Boolean(),
  },
  { $id: 'Notification', title: 'Notification' },
);
export type Notification = Static<typeof Notification>;

export const NotificationsQuery = Type.Object({
  ...PageQuery,
  unread: Type.Boolean({ default: false, description: 'only the ones not read yet' }),
});
export type NotificationsQuery = Static<typeof NotificationsQuery>;

/** The number the badge shows; counting stops at UNREAD_CAP. */
export const UNREAD_CAP = 1000;
export const UnreadCount = Type.Object({
  unread: Type.Integer({
    minimum: 0,
    maximum: UNREAD_CAP,
    description: `notifications not read yet, counted up to ${UNREAD_CAP}`,
  }),
});

export const MarkRead = Type.Object({
  ids: Type.Optional(
    Type.Array(Uuid, {
      minItems: 1,
      maxItems: 100,
      description: 'the notifications to mark read; without it, every one',
    }),
  ),
});
export type MarkRead = Static<typeof MarkRead>;
