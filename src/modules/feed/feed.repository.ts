import { type RawBuilder, type SqlBool, sql } from 'kysely';
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
 * The viewer and the followees the viewer may see: the sources of the following feed. The
 * filters are `not in` (hashed once, with content_filters_blocked_by of 0007, rather than
 * joined), which halved planning (docs/decisions.md "Feed").
 */
function feedSources(viewerId: string) {
  return sql<{ user_id: string }>`(
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
      ))`;
}

/** Each source's newest n live posts the viewer may see (`sources`: a CTE of user_id). */
function sourcePosts(sources: string, viewerId: string, n: number, before: Before) {
  return sql<FeedEntry>`(
    select p.id as post_id, p.created_at as t, p.id as entry_id, null::uuid as reposter_id
    from ${sql.table(sources)} s cross join lateral (
      select p.id, p.created_at from posts p
      where p.author_id = s.user_id and p.deleted_at is null ${before('p.created_at', 'p.id')}
        and ${authorLive('p', viewerId)} and ${contentVisible('p', viewerId)}
      order by p.created_at desc, p.id desc limit ${sql.lit(n)}
    ) p
    order by p.created_at desc, p.id desc limit ${sql.lit(n)})`;
}

/**
 * The checks of one repost (alias `r`: its id, post_id, user_id, created_at) as a feed entry:
 * the reposter is not suspended, the post is live and visible and its author not a source
 * (else the post is an entry of its own), and no source reposted it earlier. The subqueries
 * are fenced with `offset 0`, which keeps the planner from pulling them up into joins whose
 * orders it would weigh; they run for the few reposts that can still make the page. The
 * earlier-repost check asks the follows key, not feed_sources: the planner misjudges the size
 * of that CTE (6 for 201) and then rescanned it for every earlier repost (100 ms).
 */
function repostShows(viewerId: string, r: { id: string; post: string; user: string; t: string }) {
  const [id, post, user, t] = [sql.ref(r.id), sql.ref(r.post), sql.ref(r.user), sql.ref(r.t)];
  return sql<SqlBool>`
    -- a suspended user's reposts are their content too (docs/rules.md "Suspension")
    (${user} = ${viewerId} or not exists (select 1 from users su
      where su.id = ${user} and su.suspended_at is not null))
    and exists (
      select 1 from posts p
      where p.id = ${post} and p.deleted_at is null
        and ${postVisible('p', viewerId)}
        and p.author_id not in (select user_id from feed_sources)
      offset 0
    )
    and not exists (
      select 1 from reposts first_repost
      where first_repost.post_id = ${post}
        and (first_repost.created_at, first_repost.id) < (${t}, ${id})
        and (first_repost.user_id = ${viewerId} or exists (
          select 1 from follows ff
          where ff.follower_id = ${viewerId} and ff.followee_id = first_repost.user_id
        ))
        and ${visibleTo(viewerId, 'first_repost.user_id')}
      offset 0
    )`;
}

/**
 * Each source's newest n reposts that show; `bound`, when given, is a time no repost older
 * than which can make the page.
 */
function sourceReposts(
  sources: string,
  viewerId: string,
  n: number,
  before: Before,
  bound = sql``,
) {
  return sql<FeedEntry>`(
    select r.post_id, r.created_at as t, r.id as entry_id, r.user_id as reposter_id
    from ${sql.table(sources)} s cross join lateral (
      select r.id, r.post_id, r.created_at, r.user_id
      from reposts r
      where r.user_id = s.user_id ${before('r.created_at', 'r.id')} ${bound}
        and ${repostShows(viewerId, { id: 'r.id', post: 'r.post_id', user: 'r.user_id', t: 'r.created_at' })}
      order by r.created_at desc, r.id desc limit ${sql.lit(n)}
    ) r)`;
}

type Before = (time: string, id: string) => RawBuilder<unknown>;

/** "after the cursor" (and, with a floor, "not older than the floor") as `and ...`, or nothing. */
function beforeOf(page: Keyset, floor: TimelineFloor | null = null): Before {
  return (time, id) =>
    sql`${page.cursor ? sql`and ${page.after(time, id)}` : sql``} ${
      floor
        ? sql`and (${sql.ref(time)}, ${sql.ref(id)}) >= (${floor.t}::timestamptz, ${floor.id}::uuid)`
        : sql``
    }`;
}

/** The page: the newest of the entries, with their Posts. */
function feedPage(db: Db, viewerId: string, page: Keyset, entries: RawBuilder<unknown>) {
  return db
    .with(
      'feed_page',
      () => sql<FeedEntry>`(
        select * from (${entries}) e
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
 * The following feed read at read time, as a per-source top-N (docs/performance.md
 * "Following feed"): the sources are the viewer and the followees the viewer may see; each
 * gives its newest n live posts (posts_author_live_created) and its newest n reposts
 * (reposts_user_created), the keyset condition inside each lateral, and the page is the
 * newest n of their union, with n = offset + limit + 1. Every filter sits inside the
 * laterals, so a source's n are n that will show. It answers when the viewer's home timeline
 * is not built or does not reach back far enough (followingTimelineQuery).
 *
 * One entry per post: the post itself when its author is a source, else the first repost of
 * it by a source (repostShows). Both are fixed once written, so a repost arriving later never
 * moves a post, and pages stay stable.
 *
 * The reposts are checked only where they can still make the page: a post entry is always a
 * page candidate, so the n-th newest post entry bounds the page from below, and older reposts
 * are not read. Planning took a third of the time (3.9 ms of 15 on the benchmark's data);
 * docs/decisions.md "Feed" has the numbers.
 */
export function followingFeedQuery(db: Db, viewerId: string, page: Keyset) {
  // n and the page size are literals, not parameters: the generic plan of the prepared
  // statement then knows how small every lateral is, and PostgreSQL reuses it
  const n = page.offset + page.limit + 1;
  const before = beforeOf(page);
  const bound = sql`and r.created_at >= coalesce((
    select case when count(*) = ${sql.lit(n)} then min(fp.t) end from feed_posts fp
  ), '-infinity'::timestamptz)`;
  return feedPage(
    db
      .with('feed_sources', () => feedSources(viewerId))
      .with('feed_posts', () => sourcePosts('feed_sources', viewerId, n, before))
      .with('feed_reposts', () =>
        sourceReposts('feed_sources', viewerId, n, before, bound),
      ) as unknown as Db,
    viewerId,
    page,
    sql`select * from feed_posts union all select * from feed_reposts`,
  );
}

/** Where a built timeline is complete from (home_timeline_state). */
export interface TimelineFloor {
  t: Date;
  id: string;
}

/**
 * The following feed from the viewer's home timeline (docs/performance.md "Following feed"):
 * the timeline's rows are candidates, read newest first along its key and checked as the
 * read-time query checks its entries (the source is still the viewer or a followee the viewer
 * may see; a post is live, its author not suspended, no muted word; a repost as repostShows),
 * until n show; the very followed sources (timeline_pull_authors) and the viewer (whose own
 * new post shows at once, not after the fan-out) are merged in as the read-time query reads
 * them. The source check is `= any (array(...))`, a filter on each row, not `in (select ...)`:
 * as a semi-join the planner could hash the viewer's whole timeline and sort it (a custom plan
 * did: 180 ms instead of 2), where the walk along the key stops at the n-th row that shows.
 * Nothing older than the floor is read: a page that reaches past
 * it comes short, and the service reads it at read time. `union` (not `union all`): a row of
 * an author who became a pull author after it was fanned out comes both ways.
 */
export function followingTimelineQuery(
  db: Db,
  viewerId: string,
  page: Keyset,
  floor: TimelineFloor | null,
) {
  const n = page.offset + page.limit + 1;
  const before = beforeOf(page, floor);
  const h = { id: 'h.entry_id', post: 'h.post_id', user: 'h.source_id', t: 'h.t' };
  return feedPage(
    db
      .with('feed_sources', () => feedSources(viewerId))
      .with(
        'feed_pull',
        () => sql<{ user_id: string }>`(
          select s.user_id from feed_sources s
          where s.user_id = ${viewerId}
            or s.user_id in (select pa.user_id from timeline_pull_authors pa))`,
      )
      .with(
        'feed_timeline',
        () => sql<FeedEntry>`(
          select h.post_id, h.t, h.entry_id,
            case when h.entry_id <> h.post_id then h.source_id end as reposter_id
          from home_timeline h
          where h.user_id = ${viewerId} ${before('h.t', 'h.entry_id')}
            and h.source_id = any (array(select user_id from feed_sources))
            and case when h.entry_id = h.post_id then exists (
                select 1 from posts p
                where p.id = h.post_id and p.deleted_at is null
                  and ${authorLive('p', viewerId)} and ${contentVisible('p', viewerId)}
                offset 0)
              else exists (select 1 from reposts r where r.id = h.entry_id offset 0)
                and ${repostShows(viewerId, h)}
            end
          order by h.t desc, h.entry_id desc limit ${sql.lit(n)})`,
      )
      .with('feed_posts', () => sourcePosts('feed_pull', viewerId, n, before))
      .with('feed_reposts', () =>
        // every timeline row that shows is a page candidate: a repost older than the n-th
        // cannot make the page
        sourceReposts(
          'feed_pull',
          viewerId,
          n,
          before,
          sql`and r.created_at >= coalesce((
            select case when count(*) = ${sql.lit(n)} then min(ft.t) end from feed_timeline ft
          ), '-infinity'::timestamptz)`,
        ),
      ) as unknown as Db,
    viewerId,
    page,
    sql`select * from feed_timeline union select * from feed_posts union select * from feed_reposts`,
  );
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
