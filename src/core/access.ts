import type { Db } from '../db/index.js';
import { blocked, invalid, notFound } from '../lib/errors.js';
import { authorLive, blockExists } from './visibility.js';

/**
 * The checks a route makes before it acts on someone else's thing (docs/rules.md "Deletion",
 * "Blocks", "Self-actions"). Unknown and deleted things look the same: 404.
 */

/**
 * Whether a check also finds the content of suspended authors (docs/rules.md "Suspension"):
 * deleting it (author or admin) does; liking, commenting, reposting, quoting, bookmarking
 * do not: hidden content is 404 to them.
 */
export interface LiveOptions {
  includeSuspended?: boolean;
  /**
   * For reading: a suspended author's content is found for this viewer when they may see it
   * (the author, an admin: core/visibility.ts authorLive), as the lists show it.
   */
  viewer?: string | null;
}

/** A live post's id and author, or 404. */
export async function requireLivePost(
  db: Db,
  postId: string,
  { includeSuspended = false, viewer }: LiveOptions = {},
) {
  const post = await db
    .selectFrom('posts')
    .select(['id', 'author_id'])
    .where('id', '=', postId)
    .where('deleted_at', 'is', null)
    .$if(!includeSuspended && viewer === undefined, (qb) =>
      qb.where('author_suspended', '=', false),
    )
    .$if(!includeSuspended && viewer !== undefined, (qb) =>
      qb.where(authorLive('posts', viewer ?? null)),
    )
    .executeTakeFirst();
  if (!post) throw notFound('post');
  return post;
}

/** A live comment of a live post, with both authors, or 404. */
export async function requireLiveComment(db: Db, commentId: string, options: LiveOptions = {}) {
  const comment = await findLiveComment(db, commentId, options);
  if (!comment) throw notFound('comment');
  return comment;
}

/** A live comment of a live post, with both authors; undefined otherwise. */
export async function findLiveComment(
  db: Db,
  commentId: string,
  { includeSuspended = false }: LiveOptions = {},
) {
  return db
    .selectFrom('comments')
    .innerJoin('posts', 'posts.id', 'comments.post_id')
    .select([
      'comments.id',
      'comments.post_id',
      'comments.author_id',
      'posts.author_id as post_author_id',
    ])
    .where('comments.id', '=', commentId)
    .where('comments.deleted_at', 'is', null)
    .where('posts.deleted_at', 'is', null)
    .$if(!includeSuspended, (qb) =>
      qb.where('comments.author_suspended', '=', false).where('posts.author_suspended', '=', false),
    )
    .executeTakeFirst();
}

/** 403 `blocked` when either of the two users blocked the other. */
export async function ensureNoBlock(db: Db, userId: string, otherId: string): Promise<void> {
  if (userId !== otherId && (await blockExists(db, userId, otherId))) throw blocked();
}

/**
 * The other user of a follow, mute, block or report, as the database spells the id (a path
 * may send it in upper case). Acting on oneself is a 422.
 */
export function otherUser(viewerId: string, targetId: string, field = 'user_id'): string {
  const other = targetId.toLowerCase();
  if (other === viewerId.toLowerCase()) throw invalid(field, 'must be another user than yourself');
  return other;
}
