import { type Keyset, keyset, type PageResult } from '../../core/keyset.js';
import { listPosts } from '../../core/posts.list.js';
import type { Post } from '../../core/posts.schemas.js';
import { toPostPageJson } from '../../core/posts.view.js';
import { type Db, withoutJit } from '../../db/index.js';
import type { JsonText } from '../../lib/json-text.js';
import {
  followingFeedQuery,
  followingTimelineQuery,
  watchlistFeedQuery,
} from './feed.repository.js';
import type { FeedQuery } from './feed.schemas.js';
import { requestRebuild, timelineState } from './timeline.repository.js';

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
  const rows = await followingRows(db, viewerId, page);
  return toPostPageJson(rows, page, (r) => ({ t: r.feed_at, id: r.entry_id }));
}

/**
 * The following feed's rows: from the viewer's home timeline when it is built, else at read
 * time (and the background step is asked to build it). A page that reaches past where the
 * timeline is complete (its floor: trimmed, or a follow that brought more than it copied)
 * comes short of the page size, and is read again at read time: both give the same page.
 */
async function followingRows(db: Db, viewerId: string, page: Keyset) {
  const state = await timelineState(db, viewerId);
  if (state === undefined) {
    await requestRebuild(db, viewerId);
    return readTimeFeed(db, viewerId, page);
  }
  const rows = await followingTimelineQuery(db, viewerId, page, state.floor).execute();
  if (rows.length > page.limit || state.floor === null) return rows;
  return readTimeFeed(db, viewerId, page);
}

/**
 * The following feed merged at read time, with JIT off (db/index.ts withoutJit): its estimate
 * (a lateral per followee) passes jit_above_cost: a custom plan for 500 followees compiled for
 * 166 ms to run for 15.
 */
function readTimeFeed(db: Db, viewerId: string, page: Keyset) {
  return withoutJit(db, (trx) => followingFeedQuery(trx, viewerId, page).execute());
}
