import { sql } from 'kysely';
import type { Keyset } from '../../core/keyset.js';
import { type UserSummary, userSummaryObject } from '../../core/users.js';
import { visibleTo } from '../../core/visibility.js';
import type { Db } from '../../db/index.js';
import type { NotificationType } from '../../db/types.js';

/**
 * Notifications are written by triggers, in the transaction of what they tell about (migration
 * 0012): `follows_notify`, `reactions_notify`, `comments_notify_1` (comments and replies),
 * `reposts_notify`, `posts_notify_1_quote`, and `posts_notify_2_mentions` /
 * `comments_notify_2_mentions` (@mentions). Undoing the write takes its notification back.
 * This module reads them and marks them read.
 */

export interface NotificationRow {
  id: string;
  type: NotificationType;
  actor: UserSummary;
  post: { id: string; content: string } | null;
  comment: { id: string; content: string } | null;
  created_at: Date;
  read_at: Date | null;
}

/**
 * A user's notifications as they may see them: from live actors they have not muted or
 * blocked (and who have not blocked them), about posts and comments that are not deleted.
 */
function visibleNotifications(db: Db, userId: string) {
  return db
    .selectFrom('notifications as n')
    .innerJoin('users', 'users.id', 'n.actor_id')
    .leftJoin('posts as p', 'p.id', 'n.post_id')
    .leftJoin('comments as c', 'c.id', 'n.comment_id')
    .where('n.user_id', '=', userId)
    .where('users.deleted_at', 'is', null)
    .where((eb) => eb.or([eb('n.post_id', 'is', null), eb('p.deleted_at', 'is', null)]))
    .where((eb) => eb.or([eb('n.comment_id', 'is', null), eb('c.deleted_at', 'is', null)]))
    .where(visibleTo(userId, 'n.actor_id'));
}

export async function selectNotifications(
  db: Db,
  userId: string,
  page: Keyset,
  unread: boolean,
): Promise<NotificationRow[]> {
  let query = visibleNotifications(db, userId).select([
    'n.id',
    'n.type',
    'n.created_at',
    'n.read_at',
    userSummaryObject('users').as('actor'),
    sql<NotificationRow['post']>`case when p.id is null then null
      else json_build_object('id', p.id, 'content', p.content) end`.as('post'),
    sql<NotificationRow['comment']>`case when c.id is null then null
      else json_build_object('id', c.id, 'content', c.content) end`.as('comment'),
  ]);
  if (unread) query = query.where('n.read_at', 'is', null);
  // a row comparison: one range of notifications_user_created, as deep as the page is
  return query
    .where(page.after('n.created_at', 'n.id'))
    .orderBy('n.created_at', 'desc')
    .orderBy('n.id', 'desc')
    .limit(page.fetch)
    .execute() as Promise<NotificationRow[]>;
}

/** Unread notifications the user may see, counted up to `cap`. */
export async function countUnread(db: Db, userId: string, cap: number): Promise<number> {
  const row = await db
    .selectFrom(
      visibleNotifications(db, userId)
        .select('n.id')
        .where('n.read_at', 'is', null)
        .limit(sql.lit(cap))
        .as('unread'),
    )
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .executeTakeFirstOrThrow();
  return row.n;
}

/** Marks the user's notifications read: those of `ids` (others' ids change nothing), or all. */
export async function markRead(db: Db, userId: string, ids: string[] | undefined): Promise<void> {
  let query = db
    .updateTable('notifications')
    .set({ read_at: sql<Date>`now()` })
    .where('user_id', '=', userId)
    .where('read_at', 'is', null);
  if (ids) query = query.where('id', 'in', ids);
  await query.execute();
}
