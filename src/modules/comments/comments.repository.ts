import { sql } from 'kysely';
import type { Db } from '../../db/index.js';
import type { Cursor } from '../../lib/cursor.js';
import { notBlocked } from '../content-filters/visibility.js';
import type { UserSummary } from '../users/users.schemas.js';
import { userSummaryOf } from '../users/users.summary.js';

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

/** A live comment of a live post, with both authors; undefined otherwise. */
export async function findLiveComment(db: Db, commentId: string) {
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
    .executeTakeFirst();
}

/** limit+1 live comments of a post, oldest first, without those the viewer must not see. */
export async function selectCommentRows(
  db: Db,
  postId: string,
  viewerId: string | null,
  limit: number,
  cursor: Cursor | undefined,
): Promise<CommentRow[]> {
  return (
    selectComments(db, viewerId)
      .where('comments.post_id', '=', postId)
      // API.md: a mute hides posts from the feed, lists of posts, streams and search, nothing
      // else; a block hides each one's comments from the other
      .where(notBlocked(viewerId, 'comments.author_id'))
      .$if(cursor !== undefined, (qb) =>
        qb.where(
          sql<boolean>`(comments.created_at, comments.id) > (${cursor!.t}::timestamptz, ${cursor!.id}::uuid)`,
        ),
      )
      .orderBy('comments.created_at', 'asc')
      .orderBy('comments.id', 'asc')
      .limit(sql.lit(limit + 1))
      .execute()
  );
}

export async function softDeleteComment(db: Db, commentId: string): Promise<boolean> {
  const result = await db
    .updateTable('comments')
    .set({ deleted_at: sql`now()` })
    .where('id', '=', commentId)
    .where('deleted_at', 'is', null)
    .executeTakeFirst();
  return result.numUpdatedRows > 0n;
}
