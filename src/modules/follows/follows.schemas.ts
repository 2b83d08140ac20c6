import { Type } from 'typebox';
import { Page, PageQuery } from '../../lib/schemas.js';
import { UserSummary } from '../users/users.schemas.js';

export const FollowState = Type.Object({
  following: Type.Boolean({ description: 'whether you follow this user now' }),
  followers: Type.Integer({ minimum: 0, description: "the user's follower count now" }),
});

export const FollowListQuery = Type.Object(PageQuery);
export const UserSummaryPage = Page(UserSummary);
