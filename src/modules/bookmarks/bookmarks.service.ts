import type { Db } from '../../db/index.js';
import { notFound } from '../../lib/errors.js';
import { deleteBookmark, insertBookmark, livePostExists } from './bookmarks.repository.js';

/**
 * Bookmarks or un-bookmarks a post; idempotent. A deleted post is a 404 both ways: it is gone
 * for everyone, and its bookmarks are left out of every list anyway.
 */
export async function setBookmark(
  db: Db,
  userId: string,
  postId: string,
  on: boolean,
): Promise<{ bookmarked: boolean }> {
  if (!(await livePostExists(db, postId))) throw notFound('post');
  if (on) await insertBookmark(db, userId, postId);
  else await deleteBookmark(db, userId, postId);
  return { bookmarked: on };
}
