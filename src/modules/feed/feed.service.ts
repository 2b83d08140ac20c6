import { keyset, type PageResult } from '../../core/keyset.js';
import { listPosts } from '../../core/posts.list.js';
import type { Post } from '../../core/posts.schemas.js';
import { toPostPage } from '../../core/posts.view.js';
import type { Db } from '../../db/index.js';
import { followingFeedQuery } from './feed.repository.js';
import type { FeedQuery } from './feed.schemas.js';

/**
 * GET /feed. `all` is GET /posts without filters (every live post; the viewer's mutes and
 * blocks left out); `following` is the viewer's home timeline (the route requires a token for
 * it). Either is one statement for the page, plus one for quoted posts when the page holds a
 * quote.
 */
export async function getFeed(
  db: Db,
  query: FeedQuery,
  viewerId: string | null,
): Promise<PageResult<Post>> {
  if (query.type === 'all') return listPosts(db, { viewerId }, query);
  if (!viewerId) throw new Error('GET /feed must require a token for type=following');
  const page = keyset(query);
  const rows = await followingFeedQuery(db, viewerId, page).execute();
  return toPostPage(db, rows, page, (r) => ({ t: r.feed_at, id: r.entry_id }), viewerId);
}
