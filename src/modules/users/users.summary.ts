import type { ExpressionBuilder } from 'kysely';
import type { DB } from '../../db/types.js';
import type { UserSummary } from './users.schemas.js';

/** The users columns a UserSummary is made of, for selects that join users. */
export const userSummaryColumns = [
  'users.id',
  'users.username',
  'users.display_name',
  'users.profile_picture_url',
] as const;

export function toUserSummary(row: {
  id: string;
  username: string;
  display_name: string;
  profile_picture_url: string | null;
}): UserSummary {
  return {
    id: row.id,
    username: row.username,
    display_name: row.display_name,
    profile_picture_url: row.profile_picture_url,
  };
}

/** A UserSummary as a JSON object built in SQL (for a nested user, e.g. reposted_by). */
export function userSummaryJson(eb: ExpressionBuilder<DB, 'users'>) {
  return eb.fn<UserSummary>('json_build_object', [
    eb.val('id'),
    eb.ref('users.id'),
    eb.val('username'),
    eb.ref('users.username'),
    eb.val('display_name'),
    eb.ref('users.display_name'),
    eb.val('profile_picture_url'),
    eb.ref('users.profile_picture_url'),
  ]);
}
