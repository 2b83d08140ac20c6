import type { Db } from '../../db/index.js';

export async function livePostExists(db: Db, postId: string): Promise<boolean> {
  const row = await db
    .selectFrom('posts')
    .select('id')
    .where('id', '=', postId)
    .where('deleted_at', 'is', null)
    .executeTakeFirst();
  return row !== undefined;
}

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
