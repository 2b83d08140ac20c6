import { ensureNoBlock, findLiveComment, requireLivePost } from '../../core/access.js';
import { deleteCommentAs } from '../../core/content.js';
import { keyset, type PageQuery, type PageResult } from '../../core/keyset.js';
import type { Db } from '../../db/index.js';
import { invalid } from '../../lib/errors.js';
import { cleanText } from '../../lib/text.js';
import type { CurrentUser } from '../../plugins/auth.js';
import {
  type CommentRow,
  findComment,
  insertComment,
  selectCommentRows,
} from './comments.repository.js';
import { COMMENT_CONTENT_MAX, type Comment, type NewComment } from './comments.schemas.js';

function toComment(row: CommentRow): Comment {
  return {
    id: row.id,
    post_id: row.post_id,
    parent_id: row.parent_id,
    author: row.author,
    content: row.content,
    stats: { reactions: row.reactions_count, replies: row.replies_count },
    viewer: { reacted: row.reacted },
    created_at: row.created_at.toISOString(),
    updated_at: row.updated_at.toISOString(),
  };
}

/**
 * A comment, or a reply to a live comment of the same post (else 422). A block between the
 * writer and the post's author, or the author of the comment replied to, refuses it.
 */
export async function createComment(
  db: Db,
  userId: string,
  postId: string,
  input: NewComment,
): Promise<Comment> {
  const content = cleanText(input.content, 'content', { min: 1, max: COMMENT_CONTENT_MAX });
  const post = await requireLivePost(db, postId);
  await ensureNoBlock(db, userId, post.author_id);
  const parentId = input.parent_id ?? null;
  if (parentId) {
    const parent = await findLiveComment(db, parentId);
    if (parent?.post_id !== postId) {
      throw invalid('parent_id', 'must be a comment of the same post');
    }
    await ensureNoBlock(db, userId, parent.author_id);
  }
  const id = await insertComment(db, { postId, parentId, authorId: userId, content });
  const row = await findComment(db, id, userId);
  return toComment(row!);
}

export async function listComments(
  db: Db,
  postId: string,
  query: PageQuery,
  viewerId: string | null,
): Promise<PageResult<Comment>> {
  const page = keyset(query);
  await requireLivePost(db, postId);
  const rows = await selectCommentRows(db, postId, viewerId, page);
  return page.page(rows, (r) => ({ t: r.created_at, id: r.id }), toComment);
}

/** Soft delete by the comment's author, the post's author or an admin (core/content.ts). */
export async function deleteComment(db: Db, commentId: string, user: CurrentUser): Promise<void> {
  await deleteCommentAs(db, commentId, user);
}
