import { Type } from 'typebox';
import { UserSummary } from '../users/users.schemas.js';

export const MuteState = Type.Object({
  muted: Type.Boolean({ description: 'whether you mute this user now' }),
});
export const BlockState = Type.Object({
  blocked: Type.Boolean({ description: 'whether you block this user now' }),
});

// UserSummary carries an $id; the serializer refuses a schema in which one $id appears twice,
// so the two lists hold a copy without it
const Listed = Type.Object(UserSummary.properties, { title: 'UserSummary' });

export const ContentFilters = Type.Object({
  muted: Type.Array(Listed, { description: 'users you muted, newest first' }),
  blocked: Type.Array(Listed, { description: 'users you blocked, newest first' }),
});
