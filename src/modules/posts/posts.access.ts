import type { Db } from '../../db/index.js';
import { blocked, notFound } from '../../lib/errors.js';
import { blockExists } from '../content-filters/visibility.js';
import { findLivePost } from './posts.repository.js';

/** Checks that every route acting on a post makes first (comments, reactions, reposts, polls). */

/** A live post, or 404 (unknown and deleted posts look the same). */
export async function requireLivePost(db: Db, postId: string) {
  const post = await findLivePost(db, postId);
  if (!post) throw notFound('post');
  return post;
}

/** 403 `blocked` when either of the two users blocked the other (API.md "blocks"). */
export async function ensureNoBlock(db: Db, userId: string, otherId: string): Promise<void> {
  if (userId !== otherId && (await blockExists(db, userId, otherId))) throw blocked();
}
