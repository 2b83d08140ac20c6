import { ensureNoBlock, requireLivePost } from '../../core/access.js';
import type { Sentiment } from '../../core/posts.schemas.js';
import type { Db } from '../../db/index.js';
import { notFound } from '../../lib/errors.js';
import { createQuote } from './posts.service.js';
import { deleteRepost, insertRepost } from './reposts.repository.js';

/**
 * Plain reposts and quotes. A plain repost moves the post's reposts_count and notifies its
 * author through the triggers `reposts_counter` (0002) and `reposts_notify` (0012); a quote
 * is a post of its own (posts.service.ts).
 */

export async function repost(db: Db, userId: string, postId: string) {
  const post = await requireLivePost(db, postId);
  await ensureNoBlock(db, userId, post.author_id);
  return { type: 'repost' as const, reposts: await insertRepost(db, userId, postId) };
}

export async function quote(
  db: Db,
  userId: string,
  postId: string,
  input: { quote: string; sentiment?: Sentiment | null | undefined },
) {
  return { type: 'quote' as const, post: await createQuote(db, userId, postId, input) };
}

/** Removes the plain repost of a live post: 404 when there was none. */
export async function unrepost(db: Db, userId: string, postId: string): Promise<void> {
  await requireLivePost(db, postId);
  if (!(await deleteRepost(db, userId, postId))) throw notFound('repost');
}
