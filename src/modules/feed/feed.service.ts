import type { Db } from '../../db/index.js';
import { decodeCursor, type PageResult } from '../../lib/cursor.js';
import { unauthorized } from '../../lib/errors.js';
import { toPostPage } from '../posts/posts.builder.js';
import type { Post } from '../posts/posts.schemas.js';
import { listPosts } from '../posts/posts.service.js';
import { followingFeedQuery } from './feed.repository.js';
import type { FeedQuery } from './feed.schemas.js';

/**
 * GET /feed. `all` is GET /posts without filters (every live post; the viewer's mutes and
 * blocks left out); `following` is the viewer's home timeline. Either is one statement for the
 * page, plus one for quoted posts when the page holds a quote.
 */
export async function getFeed(
  db: Db,
  query: FeedQuery,
  viewerId: string | null,
): Promise<PageResult<Post>> {
  const page = { limit: query.limit, cursor: query.cursor, offset: query.offset };
  if (query.type === 'all') return listPosts(db, { viewerId, ...page });
  if (!viewerId) throw unauthorized('the following feed needs a signed-in user');
  const cursor = query.cursor === undefined ? undefined : decodeCursor(query.cursor);
  const rows = await followingFeedQuery(db, { viewerId, ...page, cursor }).execute();
  return toPostPage(db, rows, query.limit, (r) => ({ t: r.feed_at, id: r.entry_id }), viewerId);
}
