import { sql } from 'kysely';
import type { Keyset } from '../../core/keyset.js';
import { type UserSummary, userSummaryOf } from '../../core/users.js';
import { authorLive, notBlocked } from '../../core/visibility.js';
import type { Db } from '../../db/index.js';

/**
 * Comments and replies. A comment moves its post's comments_count (and its parent's
 * replies_count) and notifies the post's author, the comment replied to and the @mentioned
 * users, in the same transaction, through the triggers `comments_counter` (migration 0002),
 * `comments_notify_1` and `comments_notify_2_mentions` (0012). A soft delete takes it out of
 * every count.
 */

export interface CommentRow {
  id: string;
  post_id: string;
  parent_id: string | null;
  author: UserSummary;
  content: string;
  reactions_count: number;
  replies_count: number;
  reacted: boolean;
  created_at: Date;
  updated_at: Date;
}

/** A comment's columns with its author and the viewer's like, in one statement. */
function selectComments(db: Db, viewerId: string | null) {
  return db
    .selectFrom('comments')
    .select([
      'comments.id',
      'comments.post_id',
      'comments.parent_id',
      userSummaryOf('comments.author_id').as('author'),
      'comments.content',
      'comments.reactions_count',
      'comments.replies_count',
      (viewerId
        ? sql<boolean>`exists (
            select 1 from reactions r where r.comment_id = comments.id and r.user_id = ${viewerId}
          )`
        : sql<boolean>`false`
      ).as('reacted'),
      'comments.created_at',
      'comments.updated_at',
    ])
    .where('comments.deleted_at', 'is', null);
}

export async function insertComment(
  db: Db,
  comment: { postId: string; parentId: string | null; authorId: string; content: string },
): Promise<string> {
  const row = await db
    .insertInto('comments')
    .values({
      post_id: comment.postId,
      parent_id: comment.parentId,
      author_id: comment.authorId,
      content: comment.content,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  return row.id;
}

export async function findComment(
  db: Db,
  commentId: string,
  viewerId: string | null,
): Promise<CommentRow | undefined> {
  return selectComments(db, viewerId).where('comments.id', '=', commentId).executeTakeFirst();
}

/** limit+1 live comments of a post, oldest first, without those the viewer must not see. */
export async function selectCommentRows(
  db: Db,
  postId: string,
  viewerId: string | null,
  page: Keyset,
): Promise<CommentRow[]> {
  return (
    selectComments(db, viewerId)
      .where('comments.post_id', '=', postId)
      // a mute hides posts from the feed, lists of posts, streams and search, nothing else; a
      // block hides each one's comments from the other (docs/rules.md)
      .where(notBlocked(viewerId, 'comments.author_id'))
      .where(authorLive('comments', viewerId))
      .where(page.after('comments.created_at', 'comments.id', 'asc'))
      .orderBy('comments.created_at', 'asc')
      .orderBy('comments.id', 'asc')
      .limit(page.fetch)
      .execute()
  );
}
