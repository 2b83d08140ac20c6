import { keyset, type PageResult } from '../../core/keyset.js';
import { listPosts } from '../../core/posts.list.js';
import type { Post } from '../../core/posts.schemas.js';
import { toPostPageJson } from '../../core/posts.view.js';
import type { Db } from '../../db/index.js';
import type { JsonText } from '../../lib/json-text.js';
import { followingFeedQuery, watchlistFeedQuery } from './feed.repository.js';
import type { FeedQuery } from './feed.schemas.js';

/**
 * GET /feed. `all` is GET /posts without filters (every live post; the viewer's mutes and
 * blocks left out); `following` is the viewer's home timeline (the route requires a token for
 * it); `watchlist` the posts that mention a ticker on the viewer's watchlist (a user). Each is
 * one statement for the page, which PostgreSQL answers as JSON text (core/posts.view.ts).
 */
export async function getFeed(
  db: Db,
  query: FeedQuery,
  viewerId: string | null,
): Promise<JsonText<PageResult<Post>>> {
  if (query.type === 'all') return listPosts(db, { viewerId }, query);
  if (!viewerId) throw new Error(`GET /feed must require a user for type=${query.type}`);
  const page = keyset(query);
  if (query.type === 'watchlist') {
    const rows = await watchlistFeedQuery(db, viewerId, page).execute();
    return toPostPageJson(rows, page, (r) => ({ t: r.created_at, id: r.id }));
  }
  const rows = await followingFeedQuery(db, viewerId, page).execute();
  return toPostPageJson(rows, page, (r) => ({ t: r.feed_at, id: r.entry_id }));
}
