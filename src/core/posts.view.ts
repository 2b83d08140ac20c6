/**
 * The one way to build Posts. The fields are written once (`postFields`: SQL expressions on a
 * posts row, in the order of the Post schema) and come out in two forms:
 *
 * - **JSON text, for lists** (every list of posts: the feeds, GET /posts, a user's posts, a
 *   ticker's posts, bookmarks, post search). `postJson(viewerId)` is one select expression:
 *   PostgreSQL writes the whole Post, its quoted post included, as JSON text, one statement a
 *   page whatever the page holds; `toPostPageJson(rows, keyset, key)` joins limit+1 rows into
 *   the page `{ items, next_cursor }` as a JsonText (lib/json-text.ts), which the reply sends
 *   as it is (plugins/json-text.ts): no JSON.parse of the rows, no serializer pass.
 *   `userSummaryJson(column).as('reposted_by')` adds `reposted_by` to a feed's row.
 * - **Objects, for one post** (GET /posts/{id}, an edit's answer, a pinned post, a live
 *   stream's event): `postColumns(viewerId)` selects the parts, `toPosts(db, rows, viewerId)`
 *   builds Post objects in the same order (one more query for the quoted posts; a row's
 *   `reposted_by` is copied), `findPosts(db, ids, viewerId)` reads live posts by id.
 *
 * Reuse, e.g. bookmarks (ordered by bookmark time):
 *   const rows = await db.selectFrom('bookmarks')
 *     .innerJoin('posts', 'posts.id', 'bookmarks.post_id')
 *     .select(postJson(viewerId).as('post_json'))
 *     .select(['posts.id', 'bookmarks.created_at as bookmarked_at'])
 *     .where('bookmarks.user_id', '=', viewerId).where('posts.deleted_at', 'is', null)
 *     .where(page.after('bookmarks.created_at', 'bookmarks.post_id'))
 *     .orderBy('bookmarks.created_at', 'desc').orderBy('bookmarks.post_id', 'desc')
 *     .limit(page.fetch).execute();
 *   return toPostPageJson(rows, page, (r) => ({ t: r.bookmarked_at, id: r.id }));
 * Visibility (mutes, blocks, deleted posts: core/visibility.ts) is the caller's WHERE: the builder
 * shows what it is given.
 */
import { createQueryId, PostgresQueryCompiler, type RawBuilder, sql } from 'kysely';
import type { Db } from '../db/index.js';
import { JsonText } from '../lib/json-text.js';
import { type PostCounts, postCountsJson } from './counters.js';
import type { Keyset, PageResult } from './keyset.js';
import { type PollJson, pollObject } from './polls.js';
import type { DeletedPost, Post, PostMedia, QuotedPost, Sentiment } from './posts.schemas.js';
import { isoTime } from './sql.js';
import { type UserSummary, userSummaryOf } from './users.js';
import { authorLive, type Viewer } from './visibility.js';

export interface ViewerJson {
  reacted: boolean;
  reposted: boolean;
  bookmarked: boolean;
}
/** What postColumns selects. */
export interface PostRow {
  id: string;
  author: UserSummary;
  content: string;
  sentiment: Sentiment | null;
  quoted_post_id: string | null;
  tickers: string[];
  media: PostMedia[];
  poll: PollJson | null;
  stats: PostCounts;
  viewer: ViewerJson;
  created_at: Date;
  updated_at: Date;
  edited_at: Date | null;
  edit_count: number;
  deleted_at: Date | null;
}

/** The viewer's flags of the post `alias` (reacted, reposted, bookmarked); all false when anonymous. */
export function viewerFlags(viewerId: Viewer | null, alias = 'posts'): RawBuilder<ViewerJson> {
  if (!viewerId) {
    return sql<ViewerJson>`json_build_object('reacted', false, 'reposted', false, 'bookmarked', false)`;
  }
  const id = sql.ref(`${alias}.id`);
  return sql<ViewerJson>`json_build_object(
    'reacted', exists (select 1 from reactions r where r.post_id = ${id} and r.user_id = ${viewerId}),
    'reposted', exists (select 1 from reposts rp where rp.post_id = ${id} and rp.user_id = ${viewerId}),
    'bookmarked', exists (select 1 from bookmarks b where b.post_id = ${id} and b.user_id = ${viewerId})
  )`;
}

/**
 * The fields of a Post (all but quoted_post and reposted_by) as SQL expressions on the posts
 * row under `alias`, in the order of the Post schema: the one definition both builders use.
 * Times are the row's timestamps; `time` writes each one (as it is, or as ISO text).
 */
function postFields(
  alias: string,
  viewerId: string | null,
  time: (column: RawBuilder<unknown>) => RawBuilder<unknown>,
): Array<[string, RawBuilder<unknown>]> {
  const col = (name: string) => sql.ref(`${alias}.${name}`);
  return [
    ['id', sql`${col('id')}`],
    ['author', userSummaryOf(`${alias}.author_id`)],
    ['content', sql`${col('content')}`],
    ['sentiment', sql`${col('sentiment')}`],
    [
      'tickers',
      sql`(
      select coalesce(json_agg(pt.symbol order by pt.position), '[]'::json)
      from post_tickers pt where pt.post_id = ${col('id')}
    )`,
    ],
    [
      'media',
      sql`(
      select coalesce(json_agg(json_build_object('id', m.id, 'url', m.url,
        'content_type', m.content_type, 'size', m.size, 'width', m.width, 'height', m.height)
        order by m.position), '[]'::json)
      from media m where m.post_id = ${col('id')}
    )`,
    ],
    ['poll', sql`(select ${pollObject(viewerId)} from polls pl where pl.post_id = ${col('id')})`],
    ['stats', postCountsJson(alias)],
    ['viewer', viewerFlags(viewerId, alias)],
    ['created_at', time(col('created_at'))],
    ['updated_at', time(col('updated_at'))],
    ['edited_at', time(col('edited_at'))],
    ['edit_count', sql`${col('edit_count')}`],
  ];
}

/** The select expressions of a PostRow; `posts` must be in scope. */
export function postColumns(viewerId: string | null) {
  const [id, author, content, sentiment, tickers, media, poll, stats, viewer, ...times] =
    postFields('posts', viewerId, (column) => column).map(([, expression]) => expression);
  const [createdAt, updatedAt, editedAt, editCount] = times;
  return [
    sql<string>`${id}`.as('id'),
    sql<UserSummary>`${author}`.as('author'),
    sql<string>`${content}`.as('content'),
    sql<Sentiment | null>`${sentiment}`.as('sentiment'),
    sql<string | null>`posts.quoted_post_id`.as('quoted_post_id'),
    sql<string[]>`${tickers}`.as('tickers'),
    sql<PostMedia[]>`${media}`.as('media'),
    sql<PollJson | null>`${poll}`.as('poll'),
    sql<PostCounts>`${stats}`.as('stats'),
    sql<ViewerJson>`${viewer}`.as('viewer'),
    sql<Date>`${createdAt}`.as('created_at'),
    sql<Date>`${updatedAt}`.as('updated_at'),
    sql<Date | null>`${editedAt}`.as('edited_at'),
    sql<number>`${editCount}`.as('edit_count'),
    sql<Date | null>`posts.deleted_at`.as('deleted_at'),
  ] as const;
}

/** json_build_object of named expressions. */
function jsonObject(fields: Array<[string, RawBuilder<unknown>]>): RawBuilder<unknown> {
  return sql`json_build_object(${sql.join(
    fields.map(([name, expression]) => sql`${sql.lit(name)}, ${expression}`),
  )})`;
}

/** The expression of postJson, built as Kysely nodes (its text is compiled once: jsonTemplate). */
function postJsonExpression(viewerId: string | null, alias: string): RawBuilder<string> {
  const quotedId = sql.ref(`${alias}.quoted_post_id`);
  const quoted = sql`case when ${quotedId} is null then null else coalesce(
    (select ${jsonObject([...postFields('q', viewerId, isoTime), ['quoted_post', sql`null`]])}
      from posts q where q.id = ${quotedId} and q.deleted_at is null and ${authorLive('q', viewerId)}),
    json_build_object('id', ${quotedId}, 'deleted', true)) end`;
  return sql<string>`${jsonObject([
    ...postFields(alias, viewerId, isoTime),
    ['quoted_post', quoted],
  ])}::text`;
}

/** A UUID that stands for the viewer while a template is compiled. */
const VIEWER_MARK = '00000000-0000-4000-8000-00000000feed';
const templates = new Map<string, TemplateStringsArray>();

/**
 * The SQL text of postJson for an alias, anonymous or for a viewer, cut where the viewer's id
 * goes. The expression is ~600 Kysely nodes; building and compiling it on every request cost
 * more Node CPU than the rest of the request (docs/performance.md "Pages as JSON text"), and
 * only the viewer's id changes between requests. Its only parameter is the viewer's id.
 */
function jsonTemplate(alias: string, anonymous: boolean): TemplateStringsArray {
  const key = `${alias}:${anonymous}`;
  let fragments = templates.get(key);
  if (!fragments) {
    const node = postJsonExpression(anonymous ? null : VIEWER_MARK, alias).toOperationNode();
    const compiled = new PostgresQueryCompiler().compileQuery(node, createQueryId());
    const parts = compiled.sql.split(/\$\d+/);
    if (
      compiled.parameters.some((p) => p !== VIEWER_MARK) ||
      parts.length !== compiled.parameters.length + 1
    ) {
      throw new Error('postJson: its SQL must have the viewer id as its only parameter');
    }
    fragments = Object.assign(parts, { raw: parts }) as unknown as TemplateStringsArray;
    templates.set(key, fragments);
  }
  return fragments;
}

/**
 * The Post of the posts row under `alias` (default `posts`) as JSON text, written by
 * PostgreSQL in the shape of the Post schema, its quoted post included (one level deep, as
 * toPosts builds it: a deleted quoted post, or one by a suspended author the viewer may not
 * see, is `{ id, deleted: true }`). Times are ISO text as Date.toISOString writes them. The
 * column comes back as text, so the page goes to the socket without a JSON.parse and a
 * serializer pass (docs/performance.md "Pages as JSON text").
 */
export function postJson(viewerId: string | null, alias = 'posts'): RawBuilder<string> {
  const fragments = jsonTemplate(alias, viewerId === null);
  return sql<string>(fragments, ...fragments.slice(1).map(() => viewerId));
}

/** The UserSummary of the user whose id is in `column`, as JSON text (null when there is none). */
export function userSummaryJson(column: string): RawBuilder<string | null> {
  return sql<string | null>`${userSummaryOf(column)}::text`;
}

/** A row selected with `postJson(...).as('post_json')`, and `reposted_by` as userSummaryJson. */
export interface PostJsonRow {
  post_json: string;
  reposted_by?: string | null;
}

/** The Post text of a PostJsonRow, with `reposted_by` added when the row has one. */
function postText(row: PostJsonRow): string {
  if (!row.reposted_by) return row.post_json;
  return `${row.post_json.slice(0, -1)},"reposted_by":${row.reposted_by}}`;
}

/** limit+1 rows of postJson → a page of Posts as JSON text; `key` is the (time, id) of the order. */
export function toPostPageJson<R extends PostJsonRow>(
  rows: R[],
  page: Pick<Keyset, 'page'>,
  key: (row: R) => { t: Date; id: string },
): JsonText<PageResult<Post>> {
  const { items, next_cursor } = page.page(rows, key, postText);
  const cursor = next_cursor === null ? 'null' : `"${next_cursor}"`;
  return new JsonText(`{"items":[${items.join(',')}],"next_cursor":${cursor}}`);
}

/** Rows of postJson → a list of Posts as JSON text (a page whose cursor the caller makes). */
export function postListJson(rows: readonly PostJsonRow[]): string {
  return `[${rows.map(postText).join(',')}]`;
}

function shape(row: PostRow): Omit<Post, 'quoted_post' | 'reposted_by'> {
  return {
    id: row.id,
    author: row.author,
    content: row.content,
    sentiment: row.sentiment,
    tickers: row.tickers,
    media: row.media,
    poll: row.poll,
    stats: row.stats,
    viewer: row.viewer,
    created_at: row.created_at.toISOString(),
    updated_at: row.updated_at.toISOString(),
    edited_at: row.edited_at?.toISOString() ?? null,
    edit_count: row.edit_count,
  };
}

export type PostRowWithRepost = PostRow & { reposted_by?: UserSummary | null };

/** Rows of postColumns → Posts in the same order; one query for the quoted posts, if any. */
export async function toPosts(
  db: Db,
  rows: readonly PostRowWithRepost[],
  viewerId: string | null,
): Promise<Post[]> {
  const quotedIds = [...new Set(rows.flatMap((r) => (r.quoted_post_id ? [r.quoted_post_id] : [])))];
  const quoted = new Map<string, QuotedPost | DeletedPost>();
  if (quotedIds.length > 0) {
    const quotedRows = await db
      .selectFrom('posts')
      .select(postColumns(viewerId))
      .where('posts.id', 'in', quotedIds)
      // a suspended author's post is quoted as unavailable, like a deleted one
      .where(authorLive('posts', viewerId))
      .execute();
    for (const q of quotedRows) {
      quoted.set(
        q.id,
        q.deleted_at ? { id: q.id, deleted: true } : { ...shape(q), quoted_post: null },
      );
    }
  }
  return rows.map((row) => ({
    ...shape(row),
    quoted_post: row.quoted_post_id
      ? (quoted.get(row.quoted_post_id) ?? { id: row.quoted_post_id, deleted: true })
      : null,
    ...(row.reposted_by ? { reposted_by: row.reposted_by } : {}),
  }));
}

/** Live posts by id, in the order of `ids`; 1 or 2 queries. */
export async function findPosts(
  db: Db,
  ids: readonly string[],
  viewerId: string | null,
): Promise<Post[]> {
  if (ids.length === 0) return [];
  const rows = await db
    .selectFrom('posts')
    .select(postColumns(viewerId))
    .where('posts.id', 'in', [...ids])
    .where('posts.deleted_at', 'is', null)
    .where(authorLive('posts', viewerId))
    .execute();
  const byId = new Map(rows.map((row) => [row.id, row]));
  const ordered = ids.flatMap((id) => {
    const row = byId.get(id);
    return row ? [row] : [];
  });
  return toPosts(db, ordered, viewerId);
}
