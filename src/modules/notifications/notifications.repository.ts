import { sql } from 'kysely';
import type { Keyset } from '../../core/keyset.js';
import {
  type NotificationRow,
  notificationColumns,
  visibleNotifications,
} from '../../core/notifications.js';
import { type UserSummary, userSummaryObject } from '../../core/users.js';
import type { Db } from '../../db/index.js';
import type { NotificationType } from '../../db/types.js';

/**
 * Notifications are written by triggers, in the transaction of what they tell about (migration
 * 0012): `follows_notify`, `reactions_notify`, `comments_notify_1` (comments and replies),
 * `reposts_notify`, `posts_notify_1_quote`, and `posts_notify_2_mentions` /
 * `comments_notify_2_mentions` (@mentions). Undoing the write takes its notification back.
 * This module reads them and marks them read.
 */

export async function selectNotifications(
  db: Db,
  userId: string,
  page: Keyset,
  unread: boolean,
): Promise<NotificationRow[]> {
  let query = visibleNotifications(db, userId).select(notificationColumns());
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

export interface NotificationGroupRow {
  group_key: string;
  type: NotificationType;
  post: NotificationRow['post'];
  comment: NotificationRow['comment'];
  actors: UserSummary[];
  actor_count: number;
  latest_at: Date;
  read: boolean;
}

/**
 * Notifications as groups (docs/rules.md "Notifications"): likes and reposts of the same post
 * or comment, and follows, on the same UTC day, are one group; any other notification is a
 * group of its own (its key is its id). A group shows its three newest actors, how many
 * actors it has, its newest time, and whether all of it was read. Pages are keyset pages on
 * (newest time, key), newest group first.
 *
 * A group is judged by all its members: one that ended on an earlier page must not come back
 * smaller on the next. Its members share its UTC day, so a page reads the notifications of
 * whole days up to the end of the cursor's day, groups them, and keeps the groups after the
 * cursor; only as many days back as a full page needs (the window grows until it holds one). Visibility comes first: an actor the viewer has since blocked is not one
 * of the three shown, nor counted.
 */
export async function selectNotificationGroups(
  db: Db,
  userId: string,
  page: Keyset,
  unread: boolean,
): Promise<NotificationGroupRow[]> {
  // Whole UTC days are read, newest first: 2, then 8, 32... days back from the cursor's day,
  // until a window holds a full page. That is exact: a group lies within one day, so every
  // group in the window is whole, and a group outside it is older than all of them.
  const end = page.cursor ? page.cursor.t : new Date();
  let oldest: Date | null | undefined;
  for (let days = 2; ; days *= 4) {
    const from = new Date(Date.UTC(end.getUTCFullYear(), end.getUTCMonth(), end.getUTCDate()));
    from.setUTCDate(from.getUTCDate() - (days - 1));
    const rows = await groupsSince(db, userId, page, unread, from);
    if (rows.length > page.limit) return rows;
    if (oldest === undefined) {
      const row = await db
        .selectFrom('notifications')
        .select('created_at')
        .where('user_id', '=', userId)
        .orderBy('created_at')
        .limit(1)
        .executeTakeFirst();
      oldest = row?.created_at ?? null;
    }
    if (oldest === null || oldest >= from) return rows;
  }
}

async function groupsSince(
  db: Db,
  userId: string,
  page: Keyset,
  unread: boolean,
  from: Date,
): Promise<NotificationGroupRow[]> {
  const groupKey = sql<string>`case when n.type in ('like', 'repost', 'follow')
    then md5(n.type || '/' || coalesce(n.post_id::text, '') || '/' || coalesce(n.comment_id::text, '')
      || '/' || to_char(n.created_at at time zone 'UTC', 'YYYY-MM-DD'))::uuid
    else n.id end`;
  const members = visibleNotifications(db, userId)
    .select([
      groupKey.as('group_key'),
      'n.id',
      'n.type',
      'n.post_id',
      'n.comment_id',
      'n.actor_id',
      'n.created_at',
      'n.read_at',
    ])
    .where('n.created_at', '>=', from)
    .$if(page.cursor !== undefined, (qb) =>
      qb.where(
        sql<boolean>`n.created_at < date_trunc('day', ${page.cursor!.t}::timestamptz at time zone 'UTC') at time zone 'UTC' + interval '1 day'`,
      ),
    );
  const { rows } = await sql<NotificationGroupRow>`
    with members as ${members},
    groups as (
      select m.group_key, min(m.type) as type, min(m.post_id::text)::uuid as post_id,
        min(m.comment_id::text)::uuid as comment_id, max(m.created_at) as latest_at,
        count(distinct m.actor_id)::integer as actor_count,
        bool_and(m.read_at is not null) as read,
        (array_agg(m.actor_id order by m.created_at desc, m.id desc))[1:3] as actor_ids
      from members m
      group by m.group_key
    )
    select g.group_key, g.type, g.latest_at, g.actor_count, g.read,
      case when p.id is null then null
        else json_build_object('id', p.id, 'content', p.content) end as post,
      case when c.id is null then null
        else json_build_object('id', c.id, 'content', c.content) end as comment,
      (select coalesce(json_agg(${userSummaryObject('u')} order by a.i), '[]'::json)
        from unnest(g.actor_ids) with ordinality a(id, i) join users u on u.id = a.id
      ) as actors
    from groups g
    left join posts p on p.id = g.post_id
    left join comments c on c.id = g.comment_id
    where ${page.after('g.latest_at', 'g.group_key')} ${unread ? sql`and not g.read` : sql``}
    order by g.latest_at desc, g.group_key desc
    limit ${page.fetch}
  `.execute(db);
  return rows;
}

/** The notification types the user turned off (users.notifications_off, 0013). */
export async function selectTypesOff(db: Db, userId: string): Promise<NotificationType[]> {
  const row = await db
    .selectFrom('users')
    .select('notifications_off')
    .where('id', '=', userId)
    .executeTakeFirstOrThrow();
  return row.notifications_off;
}

/** Turns types on and off, leaving the others as they are, in one statement. */
export async function updateTypesOff(
  db: Db,
  userId: string,
  off: NotificationType[],
  on: NotificationType[],
): Promise<NotificationType[]> {
  const { rows } = await sql<{ notifications_off: NotificationType[] }>`
    update users set notifications_off = array(
      select distinct t from unnest(notifications_off || ${off}::text[]) t
      where t <> all(${on}::text[]) order by t
    )
    where id = ${userId}
    returning notifications_off
  `.execute(db);
  return rows[0]!.notifications_off;
}
