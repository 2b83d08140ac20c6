import { type RawBuilder, type SqlBool, sql } from 'kysely';
import { type Db, withGenericPlan } from '../db/index.js';
import type { JsonText } from '../lib/json-text.js';
import { type Keyset, keyset, type PageQuery, type PageResult } from './keyset.js';
import type { Post, Sentiment } from './posts.schemas.js';
import { postJson, toPostPageJson } from './posts.view.js';
import { postVisible } from './visibility.js';

/**
 * The list of live posts, newest first, behind GET /posts, GET /feed?type=all, a user's
 * posts and a ticker's stream: one statement for the page, which PostgreSQL answers as JSON
 * text (core/posts.view.ts `postJson`), sent as it is.
 */
export interface PostListParams {
  viewerId: string | null;
  /** An upper-case symbol: posts mentioning it (driven by the post_tickers index). */
  ticker?: string | undefined;
  authorId?: string | undefined;
  sentiment?: Sentiment | undefined;
  /**
   * Whose posts the viewer does not see: 'mutes-and-blocks' (GET /posts, ticker streams) or
   * 'blocks' (a user's own page still lists them when muted).
   */
  hide?: 'mutes-and-blocks' | 'blocks';
  /** One more condition on `posts` (the post search's match), ANDed with the rest. */
  match?: RawBuilder<SqlBool> | undefined;
}

export async function listPosts(
  db: Db,
  params: PostListParams,
  query: PageQuery,
): Promise<JsonText<PageResult<Post>>> {
  const page = keyset(query);
  // a ticker's stream has one good plan for every symbol (along post_tickers_symbol_created),
  // but PostgreSQL estimates its generic plan a little above a busy ticker's own and planned
  // each call anew (twice the time). With another filter the values may matter: a rare
  // author's posts on a busy ticker want the author's index.
  const tickerOnly =
    params.ticker !== undefined &&
    params.authorId === undefined &&
    params.sentiment === undefined &&
    params.match === undefined;
  const rows = tickerOnly
    ? await withGenericPlan(db, (trx) => postRowsQuery(trx, params, page).execute())
    : await postRowsQuery(db, params, page).execute();
  return toPostPageJson(rows, page, (r) => ({ t: r.created_at, id: r.id }));
}

/**
 * The statement of listPosts, unexecuted (the benchmark compiles it). With a ticker the page
 * is read from post_tickers (symbol, created_at, post_id), whose created_at is the post's.
 *
 * With an offset, the skipped rows are chosen in a subquery of ids and only the page is
 * built: the Post columns of the outer select are computed for every row the LIMIT node
 * reads, skipped ones too (`offset=10000` took 2 s on the benchmark's data, against ~10 ms
 * this way).
 */
export function postRowsQuery(db: Db, params: PostListParams, page: Keyset) {
  const { viewerId, ticker } = params;
  const time = ticker ? 'pt.created_at' : 'posts.created_at';
  const id = ticker ? 'pt.post_id' : 'posts.id';
  const visible = postVisible('posts', viewerId, { mutes: params.hide !== 'blocks', ticker });
  const rows = db
    .selectFrom('posts')
    .$if(ticker !== undefined, (qb) =>
      qb.innerJoin('post_tickers as pt', (join) =>
        join.onRef('pt.post_id', '=', 'posts.id').on('pt.symbol', '=', ticker!),
      ),
    )
    .where('posts.deleted_at', 'is', null)
    .$if(params.authorId !== undefined, (qb) => qb.where('posts.author_id', '=', params.authorId!))
    .$if(params.sentiment !== undefined, (qb) =>
      qb.where('posts.sentiment', '=', params.sentiment!),
    )
    .$if(params.match !== undefined, (qb) => qb.where(params.match!))
    .$if(page.cursor !== undefined, (qb) => qb.where(page.after(time, id)))
    .where(visible)
    .orderBy(sql.ref(time), 'desc')
    .orderBy(sql.ref(id), 'desc')
    .limit(page.fetch);
  const columns = [
    postJson(viewerId).as('post_json'),
    sql<string>`posts.id`.as('id'),
    sql<Date>`posts.created_at`.as('created_at'),
  ] as const;
  if (!page.offset) return rows.select(columns);
  return db
    .selectFrom(
      rows
        .select([sql<string>`posts.id`.as('page_id'), sql<Date>`${sql.ref(time)}`.as('page_t')])
        .offset(page.offset)
        .as('page'),
    )
    .innerJoin('posts', 'posts.id', 'page.page_id')
    .select(columns)
    .orderBy('page.page_t', 'desc')
    .orderBy('page.page_id', 'desc');
}
