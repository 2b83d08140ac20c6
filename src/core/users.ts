import { type RawBuilder, sql } from 'kysely';
import { type Static, Type } from 'typebox';
import type { Db } from '../db/index.js';
import { Nullable, Uuid } from '../lib/schemas.js';

/**
 * Users as everything else shows them: the UserSummary beside every post, comment and
 * notification, and the two lookups every feature asks of the users table.
 */

/** The short form of a user, shown beside everything they wrote. */
export const UserSummary = Type.Object(
  {
    id: Uuid,
    username: Type.String(),
    display_name: Type.String(),
    profile_picture_url: Nullable(Type.String({ format: 'uri' })),
  },
  // no $id: a Post holds several UserSummaries (author, quoted author, reposted_by), and the
  // serializer refuses one $id appearing twice in a response
  { title: 'UserSummary' },
);
export type UserSummary = Static<typeof UserSummary>;

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

/** Whether a user with a profile exists and is not deleted. */
export async function userExists(db: Db, userId: string): Promise<boolean> {
  return (await findAccount(db, userId)) !== undefined;
}

/** A signed-in caller's profile as the auth checks need it, or undefined before onboarding. */
export async function findAccount(db: Db, userId: string) {
  return db
    .selectFrom('users')
    .select([
      'id',
      'is_admin',
      sql<boolean>`suspended_at is not null
        and (suspended_until is null or suspended_until > now())`.as('suspended'),
    ])
    .where('id', '=', userId)
    .where('deleted_at', 'is', null)
    .executeTakeFirst();
}

/**
 * Records that the user is an admin by their token or by ADMIN_USER_IDS until `until`, or no
 * longer (null): users.admin_until (migration 0062), which the lists' visibility reads.
 * Answers false for a user without a profile (nothing recorded: ask again after onboarding).
 */
export async function recordAdminUntil(
  db: Db,
  userId: string,
  until: Date | null,
): Promise<boolean> {
  const result = await db
    .updateTable('users')
    .set({ admin_until: until })
    .where('id', '=', userId)
    .executeTakeFirst();
  return result.numUpdatedRows > 0n;
}
