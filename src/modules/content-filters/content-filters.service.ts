import type { Db } from '../../db/index.js';
import { invalid, notFound } from '../../lib/errors.js';
import { deleteFollowsBetween } from '../follows/follows.repository.js';
import { userExists } from '../users/users.repository.js';
import { toUserSummary } from '../users/users.summary.js';
import {
  deleteFilter,
  type FilterType,
  insertFilter,
  listFilters,
  lockUserPair,
} from './content-filters.repository.js';

/**
 * The other user of a follow, mute or block, as the database spells the id (a path may send
 * it in upper case). Acting on oneself is a 422 (API.md "self-actions").
 */
export function otherUser(viewerId: string, targetId: string): string {
  const other = targetId.toLowerCase();
  if (other === viewerId.toLowerCase()) {
    throw invalid('user_id', 'must be another user than yourself');
  }
  return other;
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
