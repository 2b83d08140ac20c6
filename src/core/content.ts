import { sql } from 'kysely';
import type { Db } from '../db/index.js';
import { forbidden, notFound } from '../lib/errors.js';
import { requireLiveComment, requireLivePost } from './access.js';
import { recordAudit } from './audit.js';

/**
 * Deleting a post or a comment (docs/rules.md "Deletion"), by its author, by the post's author
 * for a comment, or by an admin: a soft delete, whose counters the triggers move. When an
 * admin deletes someone else's content it is a moderation action, recorded in the audit log in
 * the same transaction. Shared by the posts and comments routes and the moderation queue.
 */
/** Runs `work` in a transaction: the caller's, when `db` is one already, else a new one. */
export async function inTransaction<T>(db: Db, work: (trx: Db) => Promise<T>): Promise<T> {
  return db.isTransaction ? work(db) : db.transaction().execute(work);
}

export interface Deleter {
  id: string;
  isAdmin: boolean;
}

export async function deletePostAs(
  db: Db,
  postId: string,
  user: Deleter,
  reason: string | null = null,
): Promise<void> {
  const post = await requireLivePost(db, postId, { includeSuspended: true });
  const own = post.author_id === user.id;
  if (!own && !user.isAdmin) throw forbidden('only the author or an admin may delete this post');
  await inTransaction(db, async (trx) => {
    const result = await trx
      .updateTable('posts')
      .set({ deleted_at: sql`now()` })
      .where('id', '=', postId)
      .where('deleted_at', 'is', null)
      .executeTakeFirst();
    if (result.numUpdatedRows === 0n) throw notFound('post');
    if (!own) {
      await recordAudit(trx, {
        actorId: user.id,
        action: 'delete_post',
        targetType: 'post',
        targetId: postId,
        reason,
      });
    }
  });
}

export async function deleteCommentAs(
  db: Db,
  commentId: string,
  user: Deleter,
  reason: string | null = null,
): Promise<void> {
  const comment = await requireLiveComment(db, commentId, { includeSuspended: true });
  const own = comment.author_id === user.id || comment.post_author_id === user.id;
  if (!own && !user.isAdmin) {
    throw forbidden("only the comment's author, the post's author or an admin may delete it");
  }
  await inTransaction(db, async (trx) => {
    const result = await trx
      .updateTable('comments')
      .set({ deleted_at: sql`now()` })
      .where('id', '=', commentId)
      .where('deleted_at', 'is', null)
      .executeTakeFirst();
    if (result.numUpdatedRows === 0n) throw notFound('comment');
    if (!own) {
      await recordAudit(trx, {
        actorId: user.id,
        action: 'delete_comment',
        targetType: 'comment',
        targetId: commentId,
        reason,
      });
    }
  });
}
