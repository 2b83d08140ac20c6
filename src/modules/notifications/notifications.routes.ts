import type { App } from '../../app-type.js';
import { Page } from '../../lib/schemas.js';
import { currentUserId } from '../../plugins/auth.js';
import {
  MarkRead,
  Notification,
  NotificationsQuery,
  UnreadCount,
} from './notifications.schemas.js';
import { listNotifications, readNotifications, unreadCount } from './notifications.service.js';

export default async function notificationsRoutes(app: App) {
  app.get(
    '/notifications',
    {
      config: { auth: 'user' },
      schema: {
        operationId: 'listNotifications',
        summary: 'Your notifications, newest first',
        description:
          'Who followed you, liked your posts and comments, commented on your posts, replied ' +
          'to your comments, reposted or quoted your posts, or mentioned you as @username. An ' +
          'unlike, unfollow or un-repost ' +
          'takes its notification back; those of users you muted or blocked (or who blocked ' +
          'you), and those about deleted posts and comments, are left out. `unread=true` for ' +
          'the unread ones only.',
        tags: ['notifications'],
        querystring: NotificationsQuery,
        response: { 200: Page(Notification) },
      },
    },
    async (request) => listNotifications(app.db, currentUserId(request), request.query),
  );

  app.get(
    '/notifications/unread-count',
    {
      config: { auth: 'user' },
      schema: {
        operationId: 'countUnreadNotifications',
        summary: 'How many notifications you have not read',
        description: 'The same notifications as the list shows, counted up to 1,000.',
        tags: ['notifications'],
        response: { 200: UnreadCount },
      },
    },
    async (request) => unreadCount(app.db, currentUserId(request)),
  );

  app.post(
    '/notifications/read',
    {
      config: { auth: 'user' },
      schema: {
        operationId: 'markNotificationsRead',
        summary: 'Mark notifications read',
        description:
          'The ones in `ids` (ids that are not yours change nothing), or, without `ids`, every ' +
          'one. Idempotent. Answers the unread count after.',
        tags: ['notifications'],
        body: MarkRead,
        response: { 200: UnreadCount },
      },
    },
    async (request) => readNotifications(app.db, currentUserId(request), request.body),
  );
}
