import { otherUser } from '../../core/access.js';
import { keyset, type PageQuery } from '../../core/keyset.js';
import { toUserSummary, userExists } from '../../core/users.js';
import { blockExists } from '../../core/visibility.js';
import type { Db } from '../../db/index.js';
import { blocked, notFound } from '../../lib/errors.js';
import {
  deleteFilter,
  deleteFollow,
  deleteFollowsBetween,
  type FilterType,
  followersCount,
  insertFilter,
  insertFollow,
  listFilters,
  listFollows,
  lockUserPair,
} from './social.repository.js';

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
  userId: string,
  viewerId: string | null,
  query: PageQuery,
) {
  const page = keyset(query);
  if (!(await userExists(db, userId))) throw notFound('user');
  const rows = await listFollows(db, direction, userId, viewerId, page);
  return page.page(rows, (row) => ({ t: row.followed_at, id: row.id }), toUserSummary);
}

/**
 * Mutes or blocks (on = true) or lifts it; idempotent. A block also ends every follow between
 * the two users, both ways, in the same transaction, with both users' rows locked (see
 * lockUserPair) so that no follow can be written beside it.
 */
export async function setFilter(
  db: Db,
  viewerId: string,
  targetId: string,
  type: FilterType,
  on: boolean,
): Promise<void> {
  const other = otherUser(viewerId, targetId);
  if (!on) {
    if (!(await userExists(db, other))) throw notFound('user');
    await deleteFilter(db, viewerId, other, type);
    return;
  }
  await db.transaction().execute(async (trx) => {
    const found = await lockUserPair(trx, viewerId, other);
    if (!found.has(other)) throw notFound('user');
    await insertFilter(trx, viewerId, other, type);
    if (type === 'block') await deleteFollowsBetween(trx, viewerId, other);
  });
}

export async function getFilters(db: Db, viewerId: string) {
  const rows = await listFilters(db, viewerId);
  return {
    muted: rows.filter((row) => row.type === 'mute').map(toUserSummary),
    blocked: rows.filter((row) => row.type === 'block').map(toUserSummary),
  };
}
