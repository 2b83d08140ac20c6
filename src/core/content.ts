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
  await softDelete(db, 'post', postId, own ? null : { actorId: user.id, reason });
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
  await softDelete(db, 'comment', commentId, own ? null : { actorId: user.id, reason });
}

/**
 * The delete itself, in one transaction with its audit entry when it is a moderation action
 * (`audit` set); 404 when the row was deleted in between.
 */
async function softDelete(
  db: Db,
  kind: 'post' | 'comment',
  id: string,
  audit: { actorId: string; reason: string | null } | null,
): Promise<void> {
  await inTransaction(db, async (trx) => {
    const result = await trx
      .updateTable(kind === 'post' ? 'posts' : 'comments')
      .set({ deleted_at: sql`now()` })
      .where('id', '=', id)
      .where('deleted_at', 'is', null)
      .executeTakeFirst();
    if (result.numUpdatedRows === 0n) throw notFound(kind);
    if (audit) {
      await recordAudit(trx, {
        ...audit,
        action: kind === 'post' ? 'delete_post' : 'delete_comment',
        targetType: kind,
        targetId: id,
      });
    }
  });
}
