import { type Static, Type } from 'typebox';
import { Excerpt, NOTIFICATION_TYPES, NotificationType } from '../../core/notifications.js';
import { UserSummary } from '../../core/users.js';
import { Nullable, PageQuery, Timestamp, Uuid } from '../../lib/schemas.js';

export { NOTIFICATION_TYPES, Notification } from '../../core/notifications.js';

export const NotificationsQuery = Type.Object({
  ...PageQuery,
  unread: Type.Boolean({ default: false, description: 'only the ones not read yet' }),
  grouped: Type.Boolean({
    default: false,
    description:
      'as NotificationGroups: likes, reposts and follows of one target and UTC day together',
  }),
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

export const NotificationGroup = Type.Object(
  {
    group_key: Type.String({
      description: "the group's key; a group of one: the notification's id",
    }),
    type: NotificationType('the type of every notification of the group'),
    post: Nullable(Excerpt('the post concerned, as in a Notification')),
    comment: Nullable(Excerpt('the comment concerned, as in a Notification')),
    actors: Type.Array(UserSummary, { maxItems: 3, description: 'the newest three, newest first' }),
    actor_count: Type.Integer({ minimum: 1, description: 'everyone in the group' }),
    latest_at: Timestamp,
    read: Type.Boolean({ description: 'every notification of the group is read' }),
  },
  { $id: 'NotificationGroup', title: 'NotificationGroup' },
);
export type NotificationGroup = Static<typeof NotificationGroup>;

/** Each type on (true: notified) or off; all on unless the user turned one off. */
const typeSwitch = (type: string) =>
  Type.Boolean({ description: `notify of ${type} notifications` });
export const NotificationSettings = Type.Object(
  Object.fromEntries(NOTIFICATION_TYPES.map((t) => [t, typeSwitch(t)])) as Record<
    (typeof NOTIFICATION_TYPES)[number],
    ReturnType<typeof typeSwitch>
  >,
);
export type NotificationSettings = Static<typeof NotificationSettings>;

export const NotificationSettingsPatch = Type.Partial(NotificationSettings, {
  additionalProperties: false,
});
export type NotificationSettingsPatch = Static<typeof NotificationSettingsPatch>;
