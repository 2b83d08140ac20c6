import { requireLivePost } from '../../core/access.js';
import { keyset, type PageQuery, type PageResult } from '../../core/keyset.js';
import type { Post } from '../../core/posts.schemas.js';
import { toPostPageJson } from '../../core/posts.view.js';
import type { Db } from '../../db/index.js';
import type { JsonText } from '../../lib/json-text.js';
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
 * GET /bookmarks: the user's bookmarked posts, newest bookmark first. A block hides them (each
 * one's posts disappear from the other's lists); a mute does not (docs/rules.md: a mute hides
 * posts from the feed, post lists, ticker streams and search, nothing else; a bookmark is a
 * post the user chose to keep). 1 query, answered as JSON text (core/posts.view.ts).
 */
export async function listBookmarks(
  db: Db,
  userId: string,
  query: PageQuery,
): Promise<JsonText<PageResult<Post>>> {
  const page = keyset(query);
  const rows = await selectBookmarkedPosts(db, userId, page);
  return toPostPageJson(rows, page, (r) => ({ t: r.bookmarked_at, id: r.id }));
}
