import { Type } from 'typebox';
import { UserSummary } from '../users/users.schemas.js';

export const MuteState = Type.Object({
  muted: Type.Boolean({ description: 'whether you mute this user now' }),
});
export const BlockState = Type.Object({
  blocked: Type.Boolean({ description: 'whether you block this user now' }),
});

export const ContentFilters = Type.Object({
  muted: Type.Array(UserSummary, { description: 'users you muted, newest first' }),
  blocked: Type.Array(UserSummary, { description: 'users you blocked, newest first' }),
});
