import { Type } from 'typebox';
import type { App } from '../../app-type.js';
import { Page } from '../../lib/schemas.js';
import { currentUserId } from '../../plugins/auth.js';
import {
  MarkRead,
  Notification,
  NotificationGroup,
  NotificationSettings,
  NotificationSettingsPatch,
  NotificationsQuery,
  UnreadCount,
} from './notifications.schemas.js';
import {
  getNotificationSettings,
  listNotificationGroups,
  listNotifications,
  readNotifications,
  unreadCount,
  updateNotificationSettings,
} from './notifications.service.js';

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
          'you), those about deleted posts and comments, and those whose text holds one of ' +
          'your muted words, are left out. `unread=true` for the unread ones only. ' +
          '`grouped=true` answers NotificationGroups: likes and reposts of the same post or ' +
          'comment, and follows, on the same UTC day, as one group with its three newest ' +
          'actors and how many there are; any other notification is a group of one.',
        tags: ['notifications'],
        querystring: NotificationsQuery,
        response: {
          200: Type.Union([Page(Notification), Page(NotificationGroup)], {
            description: 'a page of Notification, or of NotificationGroup with grouped=true',
          }),
        },
      },
    },
    async (request) =>
      request.query.grouped
        ? listNotificationGroups(app.db, currentUserId(request), request.query)
        : listNotifications(app.db, currentUserId(request), request.query),
  );

  app.get(
    '/users/me/notification-settings',
    {
      config: { auth: 'user' },
      schema: {
        operationId: 'getNotificationSettings',
        summary: 'Which notifications you get',
        description: 'One switch a type, all on until turned off.',
        tags: ['notifications'],
        response: { 200: NotificationSettings },
      },
    },
    async (request) => getNotificationSettings(app.db, currentUserId(request)),
  );

  app.patch(
    '/users/me/notification-settings',
    {
      config: { auth: 'user', allowSuspended: true },
      schema: {
        operationId: 'updateNotificationSettings',
        summary: 'Turn notification types on or off',
        description:
          'Only the types sent change. A type turned off gets no new notification (and no ' +
          'stream event); what came before stays. An unknown key or a value that is not a ' +
          'boolean is a 422 and changes nothing.',
        tags: ['notifications'],
        body: NotificationSettingsPatch,
        response: { 200: NotificationSettings },
      },
    },
    async (request) => updateNotificationSettings(app.db, currentUserId(request), request.body),
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
      config: { auth: 'user', allowSuspended: true },
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
