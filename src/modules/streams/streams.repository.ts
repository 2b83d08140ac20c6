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
 * connected viewers may see it (one statement for all of them), and the replay of what a
 * reconnecting client missed. Every visibility rule comes from core/visibility.ts, as the
 * lists use it.
 */

/** A replay reads rows at most this much older than the client's last event (see 0040). */
const REPLAY_WINDOW = sql`interval '5 minutes'`;

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

function isSource(viewer: Viewer, user: string): RawBuilder<SqlBool> {
  return sql<SqlBool>`(${followsOrSelf(viewer, user)} and ${visibleTo(viewer, user)})`;
}

function condition(mode: MatchMode, v: Viewer, ticker: RawBuilder<string | null>) {
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
    modes.map((mode) => sql`when ${mode} then ${condition(mode, v, ticker)}`),
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

export interface Replayed<T> {
  item: T;
  position: Position;
}

/** Rows newer than `from` in the streams' order: the newest `limit`, oldest first. */
function newest<T>(rows: Array<Replayed<T>>, limit: number): Array<Replayed<T>> {
  return rows
    .sort((a, b) => a.position.s - b.position.s)
    .slice(-limit)
    .filter((row, i, all) => i === 0 || all[i - 1]!.position.s !== row.position.s);
}

export type PostScope =
  | { kind: 'public' }
  | { kind: 'ticker'; symbol: string }
  | { kind: 'watchlist' };

/** What a public, ticker or watchlist stream missed since `from`: the list's own filters. */
export async function replayPosts(
  db: Db,
  viewerId: string | null,
  scope: PostScope,
  from: Position,
  limit: number,
): Promise<Array<Replayed<Post>>> {
  const ticker = scope.kind === 'ticker' ? scope.symbol : undefined;
  const rows = await db
    .selectFrom('posts')
    .$if(ticker !== undefined, (qb) =>
      qb.innerJoin('post_tickers as pt', (join) =>
        join
          .onRef('pt.post_id', '=', 'posts.id')
          .on('pt.symbol', '=', ticker!)
          .on(sql<SqlBool>`pt.created_at > ${from.t}::timestamptz - ${REPLAY_WINDOW}`),
      ),
    )
    .select(postColumns(viewerId))
    .select('posts.stream_seq as seq')
    .where('posts.deleted_at', 'is', null)
    .where(sql<SqlBool>`posts.created_at > ${from.t}::timestamptz - ${REPLAY_WINDOW}`)
    .where('posts.stream_seq', '>', from.s)
    .where(postVisible('posts', viewerId, { ticker }))
    .$if(scope.kind === 'watchlist' && viewerId !== null, (qb) =>
      qb.where(
        sql<SqlBool>`exists (select 1 from post_tickers wt
          join watchlist_items w on w.symbol = wt.symbol and w.user_id = ${viewerId}
          where wt.post_id = posts.id)`,
      ),
    )
    .orderBy('posts.stream_seq', 'desc')
    .limit(limit)
    .execute();
  const ordered = rows.reverse();
  const posts = await toPosts(db, ordered, viewerId);
  return ordered.map((row, i) => ({
    item: posts[i]!,
    position: { t: row.created_at, s: Number(row.seq) },
  }));
}

/** What a following-feed stream missed: its sources' posts, and first reposts by them. */
export async function replayFeed(
  db: Db,
  viewerId: string,
  from: Position,
  limit: number,
): Promise<Array<Replayed<Post>>> {
  const window = sql<SqlBool>`> ${from.t}::timestamptz - ${REPLAY_WINDOW}`;
  const own = await db
    .selectFrom('posts')
    .select(postColumns(viewerId))
    .select(['posts.stream_seq as seq', 'posts.created_at as at'])
    .select(sql<null>`null`.as('reposted_by'))
    .where('posts.deleted_at', 'is', null)
    .where(sql<SqlBool>`posts.created_at ${window}`)
    .where('posts.stream_seq', '>', from.s)
    .where(isSource(viewerId, 'posts.author_id'))
    .where(contentVisible('posts', viewerId))
    .orderBy('posts.stream_seq', 'desc')
    .limit(limit)
    .execute();
  const reposted = await db
    .selectFrom('reposts as r')
    .innerJoin('posts', 'posts.id', 'r.post_id')
    .select(postColumns(viewerId))
    .select(['r.stream_seq as seq', 'r.created_at as at'])
    .select(userSummaryOf('r.user_id').as('reposted_by'))
    .where('posts.deleted_at', 'is', null)
    .where(sql<SqlBool>`r.created_at ${window}`)
    .where('r.stream_seq', '>', from.s)
    .where(condition('repost', viewerId, sql`null`))
    .orderBy('r.stream_seq', 'desc')
    .limit(limit)
    .execute();
  const rows = [...own, ...reposted].sort((a, b) => Number(a.seq) - Number(b.seq)).slice(-limit);
  const posts = await toPosts(db, rows, viewerId);
  return newest(
    rows.map((row, i) => ({ item: posts[i]!, position: { t: row.at, s: Number(row.seq) } })),
    limit,
  );
}

/** The notifications a notifications stream missed, as GET /notifications shows them. */
export async function replayNotifications(
  db: Db,
  userId: string,
  from: Position,
  limit: number,
): Promise<Array<Replayed<Notification>>> {
  const rows = await visibleNotifications(db, userId)
    .select(notificationColumns())
    .select('n.stream_seq as seq')
    .where(sql<SqlBool>`n.created_at > ${from.t}::timestamptz - ${REPLAY_WINDOW}`)
    .where('n.stream_seq', '>', from.s)
    .orderBy('n.stream_seq', 'desc')
    .limit(limit)
    .execute();
  return rows.reverse().map((row) => ({
    item: toNotification(row),
    position: { t: row.created_at, s: Number(row.seq) },
  }));
}
