import { type SqlBool, sql } from 'kysely';
import {
  type Notification,
  notificationColumns,
  toNotification,
  visibleNotifications,
} from '../../core/notifications.js';
import type { Post } from '../../core/posts.schemas.js';
import { postColumns, toPosts } from '../../core/posts.view.js';
import { userSummaryOf } from '../../core/users.js';
import { contentVisible, postVisible } from '../../core/visibility.js';
import type { Db } from '../../db/index.js';
import type { Position } from './streams.events.js';
import { isSource, matchCondition } from './streams.repository.js';

/**
 * What a reconnecting client missed (docs/streams.md "Resume"): the rows numbered after its
 * last event id, with the list's own filters, at most `limit`, oldest first.
 */

/** A replay reads rows at most this much older than the client's last event (see 0040). */
const REPLAY_WINDOW = sql`interval '5 minutes'`;

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
    .where(matchCondition('repost', viewerId, sql`null`))
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
