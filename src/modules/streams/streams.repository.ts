import { type RawBuilder, type SqlBool, sql } from 'kysely';
import {
  type Notification,
  notificationColumns,
  toNotification,
  visibleNotifications,
} from '../../core/notifications.js';
import type { Post } from '../../core/posts.schemas.js';
import { postColumns, toPosts, type ViewerJson, viewerFlags } from '../../core/posts.view.js';
import { userSummaryOf } from '../../core/users.js';
import {
  contentVisible,
  postVisible,
  type Viewer,
  visibleTo,
  wordsVisible,
} from '../../core/visibility.js';
import type { Db } from '../../db/index.js';
import type { Position } from './streams.events.js';
import type { ViewerState } from './streams.viewers.js';

/**
 * The SQL of the live streams: the Post of an event (built once, for no viewer), which of the
 * connected viewers may see it (one statement for all of them), and what a connected viewer's
 * streams leave out (streams.replay.ts has the replay of what a reconnecting client missed).
 * Every visibility rule comes from core/visibility.ts, as the lists use it.
 */

/** Where the streams' order stands now: the sequence's last number, and the time. */
export async function currentPosition(db: Db): Promise<Position> {
  const { rows } = await sql<{ s: number; t: Date }>`
    select case when is_called then last_value else 0 end as s, now() as t from stream_seq
  `.execute(db);
  return { s: Number(rows[0]!.s), t: new Date(rows[0]!.t) };
}

/** A live post, as anyone may see it (viewer fields false); undefined when it is gone. */
export async function eventPost(db: Db, postId: string): Promise<Post | undefined> {
  const rows = await db
    .selectFrom('posts')
    .select(postColumns(null))
    .where('posts.id', '=', postId)
    .where('posts.deleted_at', 'is', null)
    .where(postVisible('posts', null))
    .execute();
  const [post] = await toPosts(db, rows, null);
  return post;
}

/** The post a plain repost brings, with `reposted_by`; undefined when either is gone. */
export async function eventRepost(
  db: Db,
  repostId: string,
): Promise<{ post: Post; reposterId: string } | undefined> {
  const rows = await db
    .selectFrom('reposts as r')
    .innerJoin('posts', 'posts.id', 'r.post_id')
    .select(postColumns(null))
    .select([userSummaryOf('r.user_id').as('reposted_by'), 'r.user_id as reposter_id'])
    .where('r.id', '=', repostId)
    .where('posts.deleted_at', 'is', null)
    .where(postVisible('posts', null))
    .execute();
  const row = rows[0];
  if (!row) return undefined;
  const [post] = await toPosts(db, [row], null);
  return post ? { post, reposterId: row.reposter_id } : undefined;
}

/** The tickers of a post, deleted or not (a delete goes to the streams that could show it). */
export async function postTickers(db: Db, postId: string): Promise<string[]> {
  const rows = await db
    .selectFrom('post_tickers')
    .select('symbol')
    .where('post_id', '=', postId)
    .execute();
  return rows.map((r) => r.symbol);
}

/**
 * What a connected viewer's streams leave out (streams.viewers.ts), in one statement: the
 * lists' rules of core/visibility.ts, as sets (visibleTo: the viewer's mutes and blocks, and
 * the blocks of the viewer). Expired muted words are left out; one that expires later
 * carries its time.
 */
export async function loadViewer(db: Db, viewerId: string): Promise<ViewerState> {
  const { rows } = await sql<{
    follows: string[];
    hidden: string[];
    watchlist: string[];
    words: Array<{ symbol: string | null; until: string | null }>;
  }>`
    select
      array(select f.followee_id from follows f where f.follower_id = ${viewerId}) as follows,
      array(select cf.target_id from content_filters cf where cf.user_id = ${viewerId}
        union
        select cf.user_id from content_filters cf
        where cf.target_id = ${viewerId} and cf.type = 'block') as hidden,
      array(select w.symbol from watchlist_items w where w.user_id = ${viewerId}) as watchlist,
      coalesce((select json_agg(json_build_object('symbol', mw.symbol, 'until', mw.expires_at))
        from muted_words mw
        where mw.user_id = ${viewerId} and (mw.expires_at is null or mw.expires_at > now())
      ), '[]') as words
  `.execute(db);
  const row = rows[0]!;
  const until = (value: string | null) => (value === null ? null : new Date(value).getTime());
  return {
    follows: new Set(row.follows),
    hidden: new Set(row.hidden),
    watchlist: new Set(row.watchlist),
    mutedSymbols: new Map(
      row.words.filter((w) => w.symbol !== null).map((w) => [w.symbol!, until(w.until)]),
    ),
    mutedText: row.words.filter((w) => w.symbol === null).map((w) => until(w.until)),
  };
}

/**
 * Which of these viewers' muted phrases and fragments hide the post (core/visibility.ts
 * wordsVisible, the lists' own rule): one statement for all of them.
 */
export async function hiddenByWords(
  db: Db,
  postId: string,
  viewerIds: readonly string[],
): Promise<Set<string>> {
  if (viewerIds.length === 0) return new Set();
  const { rows } = await sql<{ id: string }>`
    select v.id from unnest(${viewerIds}::uuid[]) as v(id)
    join posts p on p.id = ${postId}
    where not (${wordsVisible(sql.ref<string>('v.id'), sql.ref('p.content'))})
  `.execute(db);
  return new Set(rows.map((r) => r.id));
}

/**
 * How a stream's viewer is judged against a post:
 * - `list`: the public and ticker streams (`ticker` exempts a muted `$SYM` on its own stream);
 * - `watchlist`: as a list, and the post mentions a ticker of the viewer's watchlist;
 * - `feed`: the author is a source of the viewer's following feed (oneself or a followee the
 *   viewer may see), and the text holds none of the viewer's muted words;
 * - `repost`: the repost's author is a source, the post may be seen, its author is not a
 *   source (then the post came as itself), and no source reposted it earlier (a post shows
 *   once, at its first repost, as in GET /feed?type=following);
 * - `feed-any` (edits and deletes): the post is one of the above for the viewer's feed.
 */
export type MatchMode = 'list' | 'watchlist' | 'feed' | 'repost' | 'feed-any';

export interface Candidate {
  viewerId: string;
  mode: MatchMode;
  ticker: string | null;
}

function followsOrSelf(viewer: Viewer, user: string): RawBuilder<SqlBool> {
  const u = sql.ref(user);
  return sql<SqlBool>`(${u} = ${viewer} or exists (
    select 1 from follows f where f.follower_id = ${viewer} and f.followee_id = ${u}))`;
}

export function isSource(viewer: Viewer, user: string): RawBuilder<SqlBool> {
  return sql<SqlBool>`(${followsOrSelf(viewer, user)} and ${visibleTo(viewer, user)})`;
}

export function matchCondition(mode: MatchMode, v: Viewer, ticker: RawBuilder<string | null>) {
  switch (mode) {
    case 'list':
      return postVisible('posts', v, { ticker });
    case 'watchlist':
      return sql<SqlBool>`${postVisible('posts', v)} and exists (
        select 1 from post_tickers pt
        join watchlist_items w on w.symbol = pt.symbol and w.user_id = ${v}
        where pt.post_id = posts.id)`;
    case 'feed':
      return sql<SqlBool>`${isSource(v, 'posts.author_id')} and ${contentVisible('posts', v)}`;
    case 'repost':
      return sql<SqlBool>`${isSource(v, 'r.user_id')} and ${postVisible('posts', v)}
        and not ${followsOrSelf(v, 'posts.author_id')}
        and not exists (
          select 1 from reposts fr
          where fr.post_id = posts.id and (fr.created_at, fr.id) < (r.created_at, r.id)
            and ${isSource(v, 'fr.user_id')})`;
    case 'feed-any':
      return sql<SqlBool>`${postVisible('posts', v)} and (${followsOrSelf(v, 'posts.author_id')}
        or exists (select 1 from reposts rr where rr.post_id = posts.id
          and ${isSource(v, 'rr.user_id')}))`;
  }
}

/**
 * Which candidates may receive the post: one statement for every connected viewer at once
 * (a row per distinct viewer, mode and ticker), with their viewer fields when asked.
 * Answers the candidates' indexes that pass, with the fields.
 */
export async function matchCandidates(
  db: Db,
  postId: string,
  candidates: readonly Candidate[],
  options: { flags: boolean; repostId?: string },
): Promise<Map<number, ViewerJson | null>> {
  const passed = new Map<number, ViewerJson | null>();
  if (candidates.length === 0) return passed;
  const v = sql.ref<string>('c.viewer_id');
  const ticker = sql.ref<string | null>('c.ticker');
  const modes = [...new Set(candidates.map((c) => c.mode))];
  const cases = sql.join(
    modes.map((mode) => sql`when ${mode} then ${matchCondition(mode, v, ticker)}`),
    sql` `,
  );
  const { rows } = await sql<{ i: number; viewer: ViewerJson | null }>`
    select c.i, ${options.flags ? viewerFlags(v) : sql`null`} as viewer
    from unnest(${candidates.map((c) => c.viewerId)}::uuid[], ${candidates.map((c) => c.mode)}::text[],
      ${candidates.map((c) => c.ticker)}::text[]) with ordinality as c(viewer_id, mode, ticker, i)
    join posts on posts.id = ${postId}
    ${options.repostId ? sql`join reposts r on r.id = ${options.repostId}` : sql``}
    where case c.mode ${cases} else false end
  `.execute(db);
  for (const row of rows) passed.set(Number(row.i) - 1, row.viewer);
  return passed;
}

/** A notification, if its recipient may see it (the list's own rules). */
export async function eventNotification(
  db: Db,
  userId: string,
  id: string,
): Promise<Notification | undefined> {
  const row = await visibleNotifications(db, userId)
    .select(notificationColumns())
    .where('n.id', '=', id)
    .executeTakeFirst();
  return row ? toNotification(row) : undefined;
}
