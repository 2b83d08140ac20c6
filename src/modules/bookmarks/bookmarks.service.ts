import type { Db } from '../../db/index.js';
import { decodeCursor, type PageResult } from '../../lib/cursor.js';
import { requireLivePost } from '../posts/posts.access.js';
import { toPostPage } from '../posts/posts.builder.js';
import type { Post } from '../posts/posts.schemas.js';
import { deleteBookmark, insertBookmark, selectBookmarkedPosts } from './bookmarks.repository.js';

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
  await requireLivePost(db, postId);
  if (on) await insertBookmark(db, userId, postId);
  else await deleteBookmark(db, userId, postId);
  return { bookmarked: on };
}

/**
 * GET /bookmarks: the user's bookmarked posts, newest bookmark first. A block hides them (API.md:
 * each one's posts disappear from the other's lists); a mute does not (API.md names the feed,
 * GET /posts, ticker streams and search, "nothing else changes": a bookmark is a post the user
 * chose to keep). 1 query, or 2 when a post on the page quotes another.
 */
export async function listBookmarks(
  db: Db,
  userId: string,
  query: { limit: number; cursor?: string | undefined },
): Promise<PageResult<Post>> {
  const cursor = query.cursor === undefined ? undefined : decodeCursor(query.cursor);
  const rows = await selectBookmarkedPosts(db, userId, { limit: query.limit, cursor });
  return toPostPage(db, rows, query.limit, (r) => ({ t: r.bookmarked_at, id: r.id }), userId);
}
