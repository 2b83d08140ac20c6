import { keyset, type PageResult } from '../../core/keyset.js';
import { toNotification } from '../../core/notifications.js';
import type { Db } from '../../db/index.js';
import {
  countUnread,
  markRead,
  selectNotificationGroups,
  selectNotifications,
  selectTypesOff,
  updateTypesOff,
} from './notifications.repository.js';
import {
  type MarkRead,
  NOTIFICATION_TYPES,
  type Notification,
  type NotificationGroup,
  type NotificationSettings,
  type NotificationSettingsPatch,
  type NotificationsQuery,
  UNREAD_CAP,
} from './notifications.schemas.js';

/** GET /notifications: newest first; one query a page. */
export async function listNotifications(
  db: Db,
  userId: string,
  query: NotificationsQuery,
): Promise<PageResult<Notification>> {
  const page = keyset(query);
  const rows = await selectNotifications(db, userId, page, query.unread);
  return page.page(rows, (row) => ({ t: row.created_at, id: row.id }), toNotification);
}

/** GET /notifications?grouped=true: the same notifications as groups, newest group first. */
export async function listNotificationGroups(
  db: Db,
  userId: string,
  query: NotificationsQuery,
): Promise<PageResult<NotificationGroup>> {
  const page = keyset(query);
  const rows = await selectNotificationGroups(db, userId, page, query.unread);
  return page.page(
    rows,
    (row) => ({ t: row.latest_at, id: row.group_key }),
    (row) => ({ ...row, latest_at: row.latest_at.toISOString() }),
  );
}

export async function unreadCount(db: Db, userId: string): Promise<{ unread: number }> {
  return { unread: await countUnread(db, userId, UNREAD_CAP) };
}

/** POST /notifications/read: marks them read and answers the new unread count. */
export async function readNotifications(
  db: Db,
  userId: string,
  body: MarkRead,
): Promise<{ unread: number }> {
  await markRead(
    db,
    userId,
    body.ids?.map((id) => id.toLowerCase()),
  );
  return unreadCount(db, userId);
}

function toSettings(off: readonly string[]): NotificationSettings {
  return Object.fromEntries(
    NOTIFICATION_TYPES.map((type) => [type, !off.includes(type)]),
  ) as NotificationSettings;
}

export async function getNotificationSettings(
  db: Db,
  userId: string,
): Promise<NotificationSettings> {
  return toSettings(await selectTypesOff(db, userId));
}

/**
 * Turns notification types on and off. A type turned off gets no new notification (the
 * triggers of 0012 ask users.notifications_off through `notify`), hence no stream event
 * either; what was written before stays.
 */
export async function updateNotificationSettings(
  db: Db,
  userId: string,
  patch: NotificationSettingsPatch,
): Promise<NotificationSettings> {
  const entries = Object.entries(patch) as [(typeof NOTIFICATION_TYPES)[number], boolean][];
  const off = entries.filter(([, on]) => !on).map(([type]) => type);
  const on = entries.filter(([, on]) => on).map(([type]) => type);
  return toSettings(await updateTypesOff(db, userId, off, on));
}
