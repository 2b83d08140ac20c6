import { type RawBuilder, sql } from 'kysely';
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

/** The UserSummary of the user whose id is in `column` (e.g. 'comments.author_id'), as a subselect. */
export function userSummaryOf(column: string): RawBuilder<UserSummary> {
  return sql<UserSummary>`(
    select ${userSummaryObject('u')} from users u where u.id = ${sql.ref(column)}
  )`;
}

/** The UserSummary of a users row already in the query under `alias`, as a JSON object. */
export function userSummaryObject(alias: string): RawBuilder<UserSummary> {
  const column = (name: string) => sql.ref(`${alias}.${name}`);
  return sql<UserSummary>`json_build_object('id', ${column('id')}, 'username', ${column('username')},
    'display_name', ${column('display_name')}, 'profile_picture_url', ${column('profile_picture_url')})`;
}
