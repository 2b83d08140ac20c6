import { postCount } from '../../core/counters.js';
import type { Db } from '../../db/index.js';

/** A plain repost; a second one breaks reposts_post_user_key (409 already_reposted). */
export async function insertRepost(db: Db, userId: string, postId: string): Promise<number> {
  await db.insertInto('reposts').values({ user_id: userId, post_id: postId }).execute();
  return repostCount(db, postId);
}

export async function deleteRepost(db: Db, userId: string, postId: string): Promise<boolean> {
  const row = await db
    .deleteFrom('reposts')
    .where('user_id', '=', userId)
    .where('post_id', '=', postId)
    .returning('id')
    .executeTakeFirst();
  return row !== undefined;
}

async function repostCount(db: Db, postId: string): Promise<number> {
  const n = await postCount(db, postId, 'reposts');
  if (n === undefined) throw new Error(`repostCount: post ${postId} is not there`);
  return n;
}
