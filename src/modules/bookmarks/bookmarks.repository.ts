import type { Keyset } from '../../core/keyset.js';
import { postJson } from '../../core/posts.view.js';
import { postVisible } from '../../core/visibility.js';
import type { Db } from '../../db/index.js';

export async function insertBookmark(db: Db, userId: string, postId: string): Promise<void> {
  await db
    .insertInto('bookmarks')
    .values({ user_id: userId, post_id: postId })
    .onConflict((oc) => oc.doNothing())
    .execute();
}

export async function deleteBookmark(db: Db, userId: string, postId: string): Promise<void> {
  await db
    .deleteFrom('bookmarks')
    .where('user_id', '=', userId)
    .where('post_id', '=', postId)
    .execute();
}

/**
 * limit+1 of the user's bookmarked posts as Post JSON text (core/posts.view.ts), newest bookmark first, along
 * bookmarks_user_created; deleted posts and posts of users across a block left out.
 */
export async function selectBookmarkedPosts(db: Db, userId: string, page: Keyset) {
  return db
    .selectFrom('bookmarks')
    .innerJoin('posts', 'posts.id', 'bookmarks.post_id')
    .select(postJson(userId).as('post_json'))
    .select(['posts.id', 'bookmarks.created_at as bookmarked_at'])
    .where('bookmarks.user_id', '=', userId)
    .where('posts.deleted_at', 'is', null)
    .where(page.after('bookmarks.created_at', 'bookmarks.post_id'))
    .where(postVisible('posts', userId, { mutes: false }))
    .orderBy('bookmarks.created_at', 'desc')
    .orderBy('bookmarks.post_id', 'desc')
    .limit(page.fetch)
    .execute();
}
