import { sql } from 'kysely';
import type { Db } from '../../db/index.js';
import type { DB } from '../../db/types.js';
import type { Cursor } from '../../lib/cursor.js';
import { notBlocked } from '../content-filters/visibility.js';
import { userSummaryColumns } from '../users/users.summary.js';

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

export interface FollowListParams {
  userId: string;
  viewerId: string | null;
  limit: number;
  cursor: Cursor | undefined;
}

/**
 * Who follows userId (direction 'followers') or whom userId follows ('following'), newest
 * follow first, keyset on (follows.created_at, the other user's id) along the follows indexes.
 * Users the viewer muted or blocked, or who blocked the viewer, are left out.
 */
export async function listFollows(
  db: Db,
  direction: 'followers' | 'following',
  { userId, viewerId, limit, cursor }: FollowListParams,
) {
  const [own, other] =
    direction === 'followers'
      ? (['follows.followee_id', 'follows.follower_id'] as const)
      : (['follows.follower_id', 'follows.followee_id'] as const);
  let query = db
    .selectFrom('follows')
    .innerJoin('users', 'users.id', other)
    .select([...userSummaryColumns, 'follows.created_at as followed_at'])
    .where(own, '=', userId)
    .where('users.deleted_at', 'is', null)
    .where(notBlocked<DB, 'follows' | 'users'>(viewerId, other));
  if (cursor) {
    query = query.where(({ eb, refTuple, tuple }) =>
      eb(refTuple('follows.created_at', other), '<', tuple(cursor.t, cursor.id)),
    );
  }
  return query
    .orderBy('follows.created_at', 'desc')
    .orderBy(other, 'desc')
    .limit(sql.lit(limit + 1))
    .execute();
}
