import { sql } from 'kysely';
import { type Static, Type } from 'typebox';
import type { Db } from '../db/index.js';
import type { NotificationType as NotificationKind } from '../db/types.js';
import { Nullable, Timestamp, Uuid } from '../lib/schemas.js';
import { type UserSummary, UserSummary as UserSummarySchema, userSummaryObject } from './users.js';
import { textVisible, visibleTo } from './visibility.js';

/**
 * The Notification object and the notifications a user may see: read by GET /notifications
 * and by the notifications stream (src/modules/streams), so both leave out the same ones.
 */
/** What a notification points at: the post or comment, with its text for the preview. */
export const Excerpt = (what: string) =>
  Type.Object({ id: Uuid, content: Type.String() }, { description: what });

export const NOTIFICATION_TYPES = [
  'follow',
  'like',
  'comment',
  'reply',
  'repost',
  'quote',
  'mention',
] as const;

export const NotificationType = (description: string) =>
  Type.Enum(NOTIFICATION_TYPES, { description });

export const Notification = Type.Object(
  {
    id: Uuid,
    type: NotificationType(
      '`follow`: followed you; `like`: liked your post, or your comment (`comment` set); ' +
        '`comment`: commented on your post; `reply`: replied to your comment; `repost`: ' +
        'reposted your post; `quote`: quoted your post (`post` is their quote); `mention`: ' +
        'named you as @username in a post, or in a comment (`comment` set)',
    ),
    actor: UserSummarySchema,
    post: Nullable(Excerpt('the post concerned; for a quote, the quoting post')),
    comment: Nullable(Excerpt('the comment concerned: the one liked, written or replied with')),
    created_at: Timestamp,
    read: Type.Boolean(),
  },
  { $id: 'Notification', title: 'Notification' },
);
export type Notification = Static<typeof Notification>;

export interface NotificationRow {
  id: string;
  type: NotificationKind;
  actor: UserSummary;
  post: { id: string; content: string } | null;
  comment: { id: string; content: string } | null;
  created_at: Date;
  read_at: Date | null;
}

/**
 * A user's notifications as they may see them: from live actors they have not muted or
 * blocked (and who have not blocked them), about posts and comments that are live (not deleted, author not suspended), and
 * none whose text (a comment, a reply, a quote, a mention) holds one of their muted words.
 */
export function visibleNotifications(db: Db, userId: string) {
  return (
    db
      .selectFrom('notifications as n')
      .innerJoin('users', 'users.id', 'n.actor_id')
      .leftJoin('posts as p', 'p.id', 'n.post_id')
      .leftJoin('comments as c', 'c.id', 'n.comment_id')
      .where('n.user_id', '=', userId)
      .where('users.deleted_at', 'is', null)
      // deleted posts and comments, and those of suspended authors, are not live
      .where(sql<boolean>`(n.post_id is null or (p.deleted_at is null and not p.author_suspended))`)
      .where(
        sql<boolean>`(n.comment_id is null or (c.deleted_at is null and not c.author_suspended))`,
      )
      .where(visibleTo(userId, 'n.actor_id'))
      .where(
        sql<boolean>`(n.type not in ('comment', 'reply', 'mention', 'quote') or case
        when n.comment_id is not null then ${textVisible(userId, sql.ref('c.content'), null)}
        else ${textVisible(userId, sql.ref('p.content'), sql.ref('p.id'))} end)`,
      )
  );
}

/** The select list of a NotificationRow over visibleNotifications. */
export function notificationColumns() {
  return [
    'n.id',
    'n.type',
    'n.created_at',
    'n.read_at',
    userSummaryObject('users').as('actor'),
    sql<NotificationRow['post']>`case when p.id is null then null
      else json_build_object('id', p.id, 'content', p.content) end`.as('post'),
    sql<NotificationRow['comment']>`case when c.id is null then null
      else json_build_object('id', c.id, 'content', c.content) end`.as('comment'),
  ] as const;
}

export function toNotification(row: NotificationRow): Notification {
  return {
    id: row.id,
    type: row.type,
    actor: row.actor,
    post: row.post,
    comment: row.comment,
    created_at: row.created_at.toISOString(),
    read: row.read_at !== null,
  };
}
