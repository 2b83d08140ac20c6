import { sql } from 'kysely';
import type { Keyset } from '../../core/keyset.js';
import { postJson, userSummaryJson } from '../../core/posts.view.js';
import { authorLive, contentVisible, postVisible, visibleTo } from '../../core/visibility.js';
import type { Db } from '../../db/index.js';

/** One entry of the following feed: a post, or a plain repost of one (reposter_id set). */
interface FeedEntry {
  post_id: string;
  /** The time of the post, or of the repost: what the feed is ordered by. */
  t: Date;
  /** The post's id, or the repost's: the tie-breaker of the order, and the cursor's id. */
  entry_id: string;
  reposter_id: string | null;
}

/**
 * The following feed as a per-source top-N (docs/performance.md "Following feed"): the sources are the viewer and
 * the followees the viewer may see; each gives its newest n live posts (posts_author_live_created)
 * and its newest n reposts (reposts_user_created), the keyset condition inside each lateral,
 * and the page is the newest n of their union, with n = offset + limit + 1. Every filter sits
 * inside the laterals, so a source's n are n that will show.
 *
 * One entry per post: the post itself when its author is a source, else the first repost of
 * it by a source (`first_repost` below). Both are fixed once written, so a repost arriving
 * later never moves a post, and pages stay stable.
 *
 * The reposts are checked (author visible, not a source, first repost) only where they can
 * still make the page: a post entry is always a page candidate, so the n-th newest post entry
 * bounds the page from below, and older reposts are not read.
 *
 * Planning took a third of the time (3.9 ms of 15 on the benchmark's data): the sources'
 * filters are `not in` (hashed once, with content_filters_blocked_by of 0007, rather than
 * joined), and the checks of a repost are subqueries fenced with `offset 0`, which keeps the
 * planner from pulling them up into joins whose orders it would weigh; they run for the few
 * reposts inside the bound. Together they halved planning. The earlier-repost check asks the
 * follows key, not feed_sources: the planner misjudges the size of that CTE (6 for 201) and
 * then rescanned it for every earlier repost (100 ms). docs/decisions.md "Feed" has the numbers.
 */
export function followingFeedQuery(db: Db, viewerId: string, page: Keyset) {
  // n and the page size are literals, not parameters: the generic plan of the prepared
  // statement then knows how small every lateral is, and PostgreSQL reuses it
  const n = page.offset + page.limit + 1;
  const before = (time: string, id: string) =>
    page.cursor ? sql`and ${page.after(time, id)}` : sql``;

  return db
    .with(
      'feed_sources',
      () => sql<{ user_id: string }>`(
        select ${viewerId}::uuid as user_id
        union all
        select f.followee_id from follows f
        where f.follower_id = ${viewerId}
          and f.followee_id not in (
            select cf.target_id from content_filters cf where cf.user_id = ${viewerId}
          )
          and f.followee_id not in (
            select cf.user_id from content_filters cf
            where cf.target_id = ${viewerId} and cf.type = 'block'
          ))`,
    )
    .with(
      'feed_posts',
      () => sql<FeedEntry>`(
        select p.id as post_id, p.created_at as t, p.id as entry_id, null::uuid as reposter_id
        from feed_sources s cross join lateral (
          select p.id, p.created_at from posts p
          where p.author_id = s.user_id and p.deleted_at is null ${before('p.created_at', 'p.id')}
            and ${authorLive('p', viewerId)} and ${contentVisible('p', viewerId)}
          order by p.created_at desc, p.id desc limit ${sql.lit(n)}
        ) p
        order by p.created_at desc, p.id desc limit ${sql.lit(n)})`,
    )
    .with(
      'feed_reposts',
      () => sql<FeedEntry>`(
        select r.post_id, r.created_at as t, r.id as entry_id, r.user_id as reposter_id
        from feed_sources s cross join lateral (
          select r.id, r.post_id, r.created_at, r.user_id
          from reposts r
          where r.user_id = s.user_id ${before('r.created_at', 'r.id')}
            -- a suspended user's reposts are their content too (docs/rules.md "Suspension")
            and (s.user_id = ${viewerId} or not exists (select 1 from users su
              where su.id = s.user_id and su.suspended_at is not null))
            and r.created_at >= coalesce((
              select case when count(*) = ${sql.lit(n)} then min(fp.t) end from feed_posts fp
            ), '-infinity'::timestamptz)
            and exists (
              select 1 from posts p
              where p.id = r.post_id and p.deleted_at is null
                and ${postVisible('p', viewerId)}
                and p.author_id not in (select user_id from feed_sources)
              offset 0
            )
            and not exists (
              select 1 from reposts first_repost
              where first_repost.post_id = r.post_id
                and (first_repost.created_at, first_repost.id) < (r.created_at, r.id)
                and (first_repost.user_id = ${viewerId} or exists (
                  select 1 from follows ff
                  where ff.follower_id = ${viewerId} and ff.followee_id = first_repost.user_id
                ))
                and ${visibleTo(viewerId, 'first_repost.user_id')}
              offset 0
            )
          order by r.created_at desc, r.id desc limit ${sql.lit(n)}
        ) r)`,
    )
    .with(
      'feed_page',
      () => sql<FeedEntry>`(
        select * from (
          select * from feed_posts union all select * from feed_reposts
        ) e
        order by e.t desc, e.entry_id desc
        offset ${page.offset} limit ${page.fetch})`,
    )
    .selectFrom('feed_page')
    .innerJoin('posts', 'posts.id', 'feed_page.post_id')
    .select(postJson(viewerId).as('post_json'))
    .select([
      'feed_page.t as feed_at',
      'feed_page.entry_id',
      userSummaryJson('feed_page.reposter_id').as('reposted_by'),
    ])
    .orderBy('feed_page.t', 'desc')
    .orderBy('feed_page.entry_id', 'desc');
}

/**
 * The watchlist feed (GET /feed?type=watchlist): live posts that mention any ticker on the
 * viewer's watchlist, newest first, as a per-ticker top-N like the following feed: each
 * watched symbol gives its newest n visible live posts along post_tickers_symbol_created
 * (symbol, created_at, post_id), the keyset condition inside each lateral, and the page is the
 * newest n of their union with n = offset + limit + 1. A post that names two watched tickers
 * comes from both laterals and shows once (`group by`). Any post of the page is among the n
 * newest of each ticker it names, so the page is exact. post_tickers.created_at is the post's.
 */
export function watchlistFeedQuery(db: Db, viewerId: string, page: Keyset) {
  const n = page.offset + page.limit + 1;
  const before = page.cursor ? sql`and ${page.after('pt.created_at', 'pt.post_id')}` : sql``;
  return db
    .with(
      'watch_page',
      () => sql<{ post_id: string; t: Date }>`(
        select x.post_id, x.created_at as t
        from watchlist_items w cross join lateral (
          select pt.post_id, pt.created_at
          from post_tickers pt join posts p on p.id = pt.post_id
          where pt.symbol = w.symbol and p.deleted_at is null ${before}
            and ${postVisible('p', viewerId)}
          order by pt.created_at desc, pt.post_id desc limit ${sql.lit(n)}
        ) x
        where w.user_id = ${viewerId}
        group by x.post_id, x.created_at
        order by x.created_at desc, x.post_id desc
        offset ${page.offset} limit ${page.fetch})`,
    )
    .selectFrom('watch_page')
    .innerJoin('posts', 'posts.id', 'watch_page.post_id')
    .select([postJson(viewerId).as('post_json'), 'posts.id', 'posts.created_at'])
    .orderBy('watch_page.t', 'desc')
    .orderBy('watch_page.post_id', 'desc');
}
