import type { Db } from '../../db/index.js';
import { decodeCursor, toPage } from '../../lib/cursor.js';
import { blocked, notFound } from '../../lib/errors.js';
import { lockUserPair } from '../content-filters/content-filters.repository.js';
import { otherUser } from '../content-filters/content-filters.service.js';
import { blockExists } from '../content-filters/visibility.js';
import { userExists } from '../users/users.repository.js';
import { toUserSummary } from '../users/users.summary.js';
import { deleteFollow, followersCount, insertFollow, listFollows } from './follows.repository.js';

export interface FollowState {
  following: boolean;
  followers: number;
}

/**
 * Follows targetId; idempotent. The pair's rows are locked first, so a block written at the
 * same moment either lands before (and this is a 403) or after (and removes this follow).
 */
export async function follow(db: Db, viewerId: string, userId: string): Promise<FollowState> {
  const targetId = otherUser(viewerId, userId);
  return db.transaction().execute(async (trx) => {
    const found = await lockUserPair(trx, viewerId, targetId);
    if (!found.has(targetId)) throw notFound('user');
    if (await blockExists(trx, viewerId, targetId)) throw blocked();
    await insertFollow(trx, viewerId, targetId);
    return { following: true, followers: (await followersCount(trx, targetId)) ?? 0 };
  });
}

export async function unfollow(db: Db, viewerId: string, userId: string): Promise<FollowState> {
  const targetId = otherUser(viewerId, userId);
  // a follow of a user who has since been deleted may go too: the 404 says they are gone
  await deleteFollow(db, viewerId, targetId);
  const followers = await followersCount(db, targetId);
  if (followers === undefined) throw notFound('user');
  return { following: false, followers };
}

export async function followList(
  db: Db,
  direction: 'followers' | 'following',
  params: { userId: string; viewerId: string | null; limit: number; cursor?: string | undefined },
) {
  const cursor = params.cursor === undefined ? undefined : decodeCursor(params.cursor);
  if (!(await userExists(db, params.userId))) throw notFound('user');
  const rows = await listFollows(db, direction, { ...params, cursor });
  return toPage(rows, params.limit, (row) => ({ t: row.followed_at, id: row.id }), toUserSummary);
}
