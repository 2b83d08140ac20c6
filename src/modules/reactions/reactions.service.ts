import { ensureNoBlock, requireLiveComment, requireLivePost } from '../../core/access.js';
import type { Db } from '../../db/index.js';
import { conflict } from '../../lib/errors.js';
import { type ReactionTarget, reactionCount, toggleReaction } from './reactions.repository.js';
import type { ReactionState } from './reactions.schemas.js';

async function toggle(db: Db, userId: string, target: ReactionTarget): Promise<ReactionState> {
  const reacted = await toggleReaction(db, userId, target);
  if (reacted === undefined) {
    throw conflict('conflict', 'the like changed under this request; try again');
  }
  return { reacted, reactions: await reactionCount(db, target) };
}

/** Likes or unlikes a live post; refused when a block stands between the user and its author. */
export async function togglePostReaction(db: Db, userId: string, postId: string) {
  const post = await requireLivePost(db, postId);
  await ensureNoBlock(db, userId, post.author_id);
  return toggle(db, userId, { postId });
}

/** The same on a comment: a block with the comment's author or the post's author refuses it. */
export async function toggleCommentReaction(db: Db, userId: string, commentId: string) {
  const comment = await requireLiveComment(db, commentId);
  await ensureNoBlock(db, userId, comment.author_id);
  if (comment.post_author_id !== comment.author_id) {
    await ensureNoBlock(db, userId, comment.post_author_id);
  }
  return toggle(db, userId, { commentId });
}
