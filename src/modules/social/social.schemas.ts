import { Type } from 'typebox';
import { UserSummary } from '../../core/users.js';
import { Page, PageQuery } from '../../lib/schemas.js';

export const FollowState = Type.Object({
  following: Type.Boolean({ description: 'whether you follow this user now' }),
  followers: Type.Integer({ minimum: 0, description: "the user's follower count now" }),
});

export const FollowListQuery = Type.Object(PageQuery);
export const UserSummaryPage = Page(UserSummary);

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
