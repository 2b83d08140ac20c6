import type { Keyset } from '../../core/keyset.js';
import { userSummaryColumns } from '../../core/users.js';
import { notBlocked } from '../../core/visibility.js';
import type { Db } from '../../db/index.js';

/**
 * Follows, mutes and blocks. A follow moves both users' counters and notifies the followee
 * through the triggers `follows_counter` (migration 0002) and `follows_notify` (0012), in the
 * same transaction; the counter trigger locks the two users rows in id order, as
 * lockUserPair does.
 */

export type FilterType = 'mute' | 'block';

/**
 * Locks the two users' rows in id order (as the follows counter trigger does) and says which
 * of them exist. A follow and a block between the same two users both start here, so they run
 * one after the other: a follow can never slip in beside a block that is being written.
 */
export async function lockUserPair(db: Db, a: string, b: string): Promise<Set<string>> {
  const rows = await db
    .selectFrom('users')
    .select('id')
    .where('id', 'in', [a, b])
    .where('deleted_at', 'is', null)
    .orderBy('id')
    .forUpdate()
    .execute();
  return new Set(rows.map((row) => row.id));
}

export async function insertFollow(db: Db, followerId: string, followeeId: string): Promise<void> {
  await db
    .insertInto('follows')
    .values({ follower_id: followerId, followee_id: followeeId })
    .onConflict((oc) => oc.doNothing())
    .execute();
}

export async function deleteFollow(db: Db, followerId: string, followeeId: string): Promise<void> {
  await db
    .deleteFrom('follows')
    .where('follower_id', '=', followerId)
    .where('followee_id', '=', followeeId)
    .execute();
}

/** A block ends every follow between the two users, both ways. */
export async function deleteFollowsBetween(db: Db, a: string, b: string): Promise<void> {
  await db
    .deleteFrom('follows')
    .where((eb) =>
      eb.or([
        eb.and([eb('follower_id', '=', a), eb('followee_id', '=', b)]),
        eb.and([eb('follower_id', '=', b), eb('followee_id', '=', a)]),
      ]),
    )
    .execute();
}

/** users.followers_count of a live user (kept by the follows trigger), or undefined. */
export async function followersCount(db: Db, userId: string): Promise<number | undefined> {
  const row = await db
    .selectFrom('users')
    .select('followers_count')
    .where('id', '=', userId)
    .where('deleted_at', 'is', null)
    .executeTakeFirst();
  return row?.followers_count;
}

/**
 * Who follows userId (direction 'followers') or whom userId follows ('following'), newest
 * follow first, keyset on (follows.created_at, the other user's id) along the follows indexes.
 * Users across a block with the viewer are left out; a mute hides nobody here.
 */
export async function listFollows(
  db: Db,
  direction: 'followers' | 'following',
  userId: string,
  viewerId: string | null,
  page: Keyset,
) {
  const [own, other] =
    direction === 'followers'
      ? (['follows.followee_id', 'follows.follower_id'] as const)
      : (['follows.follower_id', 'follows.followee_id'] as const);
  return db
    .selectFrom('follows')
    .innerJoin('users', 'users.id', other)
    .select([...userSummaryColumns, 'follows.created_at as followed_at'])
    .where(own, '=', userId)
    .where('users.deleted_at', 'is', null)
    .where(notBlocked(viewerId, other))
    .where(page.after('follows.created_at', other))
    .orderBy('follows.created_at', 'desc')
    .orderBy(other, 'desc')
    .limit(page.fetch)
    .execute();
}

export async function insertFilter(
  db: Db,
  userId: string,
  targetId: string,
  type: FilterType,
): Promise<void> {
  await db
    .insertInto('content_filters')
    .values({ user_id: userId, target_id: targetId, type })
    .onConflict((oc) => oc.doNothing())
    .execute();
}

export async function deleteFilter(
  db: Db,
  userId: string,
  targetId: string,
  type: FilterType,
): Promise<void> {
  await db
    .deleteFrom('content_filters')
    .where('user_id', '=', userId)
    .where('target_id', '=', targetId)
    .where('type', '=', type)
    .execute();
}

/** The users a user muted and blocked, newest first; deleted users are left out. */
export async function listFilters(db: Db, userId: string) {
  return db
    .selectFrom('content_filters')
    .innerJoin('users', 'users.id', 'content_filters.target_id')
    .select([...userSummaryColumns, 'content_filters.type'])
    .where('content_filters.user_id', '=', userId)
    .where('users.deleted_at', 'is', null)
    .orderBy('content_filters.created_at', 'desc')
    .orderBy('content_filters.target_id', 'desc')
    .execute();
}
