import { type RawBuilder, sql } from 'kysely';
import { userPostsCount } from '../../core/counters.js';
import { ensureTickers } from '../../core/tickers.js';
import type { Db } from '../../db/index.js';
import type { NewUser, UserUpdate } from '../../db/types.js';

/** Profiles, by id or by name, with their counters and the viewer's relation. */

export interface ProfileRow {
  id: string;
  username: string;
  display_name: string;
  profile_picture_url: string | null;
  bio: string;
  country: string | null;
  timezone: string;
  is_admin: boolean;
  created_at: Date;
  onboarded_at: Date;
  followers_count: number;
  following_count: number;
  posts_count: number;
  v_following: boolean;
  v_followed_by: boolean;
  v_muted: boolean;
  v_blocked: boolean;
  interests: string[] | null;
  pinned_post_id: string | null;
}

export type ProfileTarget = { id: string } | { username: string };

/** A flag about the viewer, or plain false for an anonymous one (no subquery to run). */
function viewerFlag(viewerId: string | null, flag: (viewer: string) => RawBuilder<boolean>) {
  return viewerId ? flag(viewerId) : sql<boolean>`false`;
}

/**
 * One statement: the profile, its counters (kept by triggers on the users row), the viewer's
 * relation (four primary-key probes) and, for the owner, their interests.
 */
export async function findProfile(
  db: Db,
  target: ProfileTarget,
  viewerId: string | null,
  options: { interests?: boolean } = {},
): Promise<ProfileRow | undefined> {
  let query = db
    .selectFrom('users')
    .select([
      'users.id',
      'users.username',
      'users.display_name',
      'users.profile_picture_url',
      'users.bio',
      'users.country',
      'users.timezone',
      'users.is_admin',
      'users.created_at',
      'users.onboarded_at',
      'users.followers_count',
      'users.following_count',
      'users.pinned_post_id',
      userPostsCount('users').as('posts_count'),
    ])
    .select([
      viewerFlag(
        viewerId,
        (v) => sql<boolean>`exists (select 1 from follows f
          where f.follower_id = ${v} and f.followee_id = users.id)`,
      ).as('v_following'),
      viewerFlag(
        viewerId,
        (v) => sql<boolean>`exists (select 1 from follows f
          where f.follower_id = users.id and f.followee_id = ${v})`,
      ).as('v_followed_by'),
      viewerFlag(
        viewerId,
        (v) => sql<boolean>`exists (select 1 from content_filters cf
          where cf.user_id = ${v} and cf.target_id = users.id and cf.type = 'mute')`,
      ).as('v_muted'),
      viewerFlag(
        viewerId,
        (v) => sql<boolean>`exists (select 1 from content_filters cf
          where cf.user_id = ${v} and cf.target_id = users.id and cf.type = 'block')`,
      ).as('v_blocked'),
      (options.interests
        ? sql<string[] | null>`array(select ui.symbol from user_interests ui
            where ui.user_id = users.id order by ui.symbol)`
        : sql<string[] | null>`null`
      ).as('interests'),
    ])
    .where('users.deleted_at', 'is', null);
  query =
    'id' in target
      ? query.where('users.id', '=', target.id)
      : // matches the unique index on lower(username)
        query.where(sql`lower(users.username)`, '=', target.username.toLowerCase());
  return query.executeTakeFirst() as Promise<ProfileRow | undefined>;
}

/** Whether another account holds this name, in any case (deleted accounts keep theirs). */
export async function usernameTaken(db: Db, username: string, exceptId?: string) {
  let query = db
    .selectFrom('users')
    .select('id')
    .where(sql`lower(username)`, '=', username.toLowerCase());
  if (exceptId) query = query.where('id', '<>', exceptId);
  return (await query.executeTakeFirst()) !== undefined;
}

export async function insertUser(db: Db, user: NewUser): Promise<void> {
  await db.insertInto('users').values(user).execute();
}

export async function updateUser(db: Db, userId: string, patch: UserUpdate): Promise<void> {
  await db.updateTable('users').set(patch).where('id', '=', userId).execute();
}

/** Makes the user's interests exactly `symbols`. */
export async function replaceInterests(db: Db, userId: string, symbols: string[]) {
  let removal = db.deleteFrom('user_interests').where('user_id', '=', userId);
  if (symbols.length) removal = removal.where('symbol', 'not in', symbols);
  await removal.execute();
  if (!symbols.length) return;
  await ensureTickers(db, symbols);
  await db
    .insertInto('user_interests')
    .values(symbols.map((symbol) => ({ user_id: userId, symbol })))
    .onConflict((oc) => oc.columns(['user_id', 'symbol']).doNothing())
    .execute();
}

/**
 * Pins one of the user's own live posts; false when the post is not one (unknown, deleted,
 * someone else's). A deleted post unpins itself (the trigger `posts_unpin_deleted`, 0013).
 */
export async function pinPost(db: Db, userId: string, postId: string | null): Promise<boolean> {
  let update = db.updateTable('users').set({ pinned_post_id: postId }).where('id', '=', userId);
  if (postId !== null) {
    update = update.where(({ exists, selectFrom }) =>
      exists(
        selectFrom('posts')
          .select('posts.id')
          .where('posts.id', '=', postId)
          .where('posts.author_id', '=', userId)
          .where('posts.deleted_at', 'is', null),
      ),
    );
  }
  const result = await update.executeTakeFirst();
  return result.numUpdatedRows > 0n;
}

/** The current picture's storage path, with the row locked until the transaction ends. */
export async function lockPicture(db: Db, userId: string) {
  return db
    .selectFrom('users')
    .select(['profile_picture_path'])
    .where('id', '=', userId)
    .where('deleted_at', 'is', null)
    .forUpdate()
    .executeTakeFirst();
}

export async function setPicture(
  db: Db,
  userId: string,
  picture: { url: string; path: string } | null,
): Promise<void> {
  await db
    .updateTable('users')
    .set({
      profile_picture_url: picture?.url ?? null,
      profile_picture_path: picture?.path ?? null,
    })
    .where('id', '=', userId)
    .execute();
}
