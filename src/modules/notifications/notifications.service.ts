import { keyset, type PageResult } from '../../core/keyset.js';
import type { Db } from '../../db/index.js';
import { countUnread, markRead, selectNotifications } from './notifications.repository.js';
import {
  type MarkRead,
  type Notification,
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
  return page.page(
    rows,
    (row) => ({ t: row.created_at, id: row.id }),
    (row) => ({
      id: row.id,
      type: row.type,
      actor: row.actor,
      post: row.post,
      comment: row.comment,
      created_at: row.created_at.toISOString(),
      read: row.read_at !== null,
    }),
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
