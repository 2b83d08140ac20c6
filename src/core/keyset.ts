import { type RawBuilder, type SqlBool, sql } from 'kysely';
import { invalid } from '../lib/errors.js';
import { isUuid } from '../lib/schemas.js';

/**
 * Keyset pagination, the one way every list pages (docs/architecture.md "Lists"): a list is
 * ordered by a (time, id) pair, a page is `limit` rows, and the cursor is the pair of the last
 * row, as base64url JSON. The next page is the rows strictly after that pair, so a row that
 * arrives meanwhile is never repeated nor skipped. Times are stored with millisecond precision
 * (timestamptz(3)), so a Date round-trips exactly. A cursor that does not decode to that shape
 * is a 422, whatever was done to it.
 */
export interface Cursor {
  t: Date;
  id: string;
}

export interface PageResult<T> {
  items: T[];
  next_cursor: string | null;
}

const ISO = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;

export function encodeCursor(t: Date, id: string): string {
  return Buffer.from(JSON.stringify([t.toISOString(), id])).toString('base64url');
}

/** The JSON inside a cursor (base64url), or the refusal. */
function cursorJson(raw: string, refuse: () => Error): unknown {
  try {
    return JSON.parse(Buffer.from(raw, 'base64url').toString('utf8'));
  } catch {
    throw refuse();
  }
}

export function decodeCursor(raw: string): Cursor {
  const refuse = () => invalid('cursor', 'is not a cursor of this list');
  const parsed = cursorJson(raw, refuse);
  if (
    !Array.isArray(parsed) ||
    parsed.length !== 2 ||
    typeof parsed[0] !== 'string' ||
    typeof parsed[1] !== 'string' ||
    !ISO.test(parsed[0]) ||
    !isUuid(parsed[1])
  ) {
    throw refuse();
  }
  const t = new Date(parsed[0]);
  if (Number.isNaN(t.getTime())) throw refuse();
  return { t, id: parsed[1].toLowerCase() };
}

/** A page request as a list query carries it: `limit`, and the previous page's `next_cursor`. */
export interface PageQuery {
  limit: number;
  cursor?: string | undefined;
  offset?: number | undefined;
}

/**
 * A decoded page request: what a repository needs to read one page of a list ordered by
 * (time, id), newest first unless the list says `asc`.
 */
export interface Keyset {
  limit: number;
  cursor: Cursor | undefined;
  offset: number;
  /**
   * The condition "after the cursor" on the list's two order columns, e.g.
   * `keyset.after('posts.created_at', 'posts.id')`; `true` on the first page.
   */
  after(time: string, id: string, order?: 'desc' | 'asc'): RawBuilder<SqlBool>;
  /**
   * How many rows to fetch: one more than the page, to know whether there is a next one. A
   * literal in the SQL, not a parameter: a prepared statement's generic plan then knows the
   * page is small (docs/performance.md "Literals").
   */
  fetch: RawBuilder<number>;
  /** limit+1 fetched rows → the page; `key` gives a row's (time, id), `map` its item. */
  page<R, T>(rows: R[], key: (row: R) => Cursor, map: (row: R) => T): PageResult<T>;
}

/** Decodes a page request (422 for a malformed cursor) into a Keyset. */
export function keyset(query: PageQuery): Keyset {
  const cursor = query.cursor === undefined ? undefined : decodeCursor(query.cursor);
  const limit = query.limit;
  return {
    limit,
    cursor,
    offset: query.offset ?? 0,
    after: (time, id, order = 'desc') => afterCursor(cursor, time, id, order),
    fetch: sql.lit(limit + 1),
    page: (rows, key, map) => toPage(rows, limit, key, map),
  };
}

/** `(time, id) < (cursor)` for a list newest first, `>` for one oldest first. */
export function afterCursor(
  cursor: Cursor | undefined,
  time: string,
  id: string,
  order: 'desc' | 'asc' = 'desc',
): RawBuilder<SqlBool> {
  if (!cursor) return sql<SqlBool>`true`;
  const op = sql.raw(order === 'desc' ? '<' : '>');
  return sql<SqlBool>`(${sql.ref(time)}, ${sql.ref(id)}) ${op} (${cursor.t}::timestamptz, ${cursor.id}::uuid)`;
}

/** Turns limit+1 fetched rows into a page: the extra row only says that there is more. */
export function toPage<R, T>(
  rows: R[],
  limit: number,
  key: (row: R) => Cursor,
  map: (row: R) => T,
): PageResult<T> {
  const hasMore = rows.length > limit;
  const pageRows = hasMore ? rows.slice(0, limit) : rows;
  const last = pageRows.at(-1);
  return {
    items: pageRows.map(map),
    next_cursor: hasMore && last ? encodeCursor(key(last).t, key(last).id) : null,
  };
}

/**
 * A cursor of a list ordered by a score first (search by relevance): the score of the last
 * row as PostgreSQL printed it (a float4 prints and reads back exactly), its (time, id), and
 * the (time, id) lower bound of the rows the list ranks, fixed on its first page (null: no
 * bound). Same rules as the plain cursor: anything that does not decode is a 422.
 */
export interface RankedCursor extends Cursor {
  rank: string;
  bound: Cursor | null;
}

const RANK = /^-?\d+(\.\d+)?(e-?\d+)?$/;

export function encodeRankedCursor(c: RankedCursor): string {
  const bound = c.bound ? [c.bound.t.toISOString(), c.bound.id] : null;
  return Buffer.from(JSON.stringify([c.rank, c.t.toISOString(), c.id, bound])).toString(
    'base64url',
  );
}

export function decodeRankedCursor(raw: string): RankedCursor {
  const refuse = () => invalid('cursor', 'is not a cursor of this list');
  const parsed = cursorJson(raw, refuse);
  if (!Array.isArray(parsed) || parsed.length !== 4) throw refuse();
  const [rank, t, id, bound] = parsed as unknown[];
  if (typeof rank !== 'string' || !RANK.test(rank) || rank.length > 40) throw refuse();
  const pair = (time: unknown, uuid: unknown): Cursor => {
    if (typeof time !== 'string' || typeof uuid !== 'string' || !ISO.test(time) || !isUuid(uuid)) {
      throw refuse();
    }
    const d = new Date(time);
    if (Number.isNaN(d.getTime())) throw refuse();
    return { t: d, id: uuid.toLowerCase() };
  };
  const last = pair(t, id);
  let lower: Cursor | null = null;
  if (bound !== null) {
    if (!Array.isArray(bound) || bound.length !== 2) throw refuse();
    lower = pair(bound[0], bound[1]);
  }
  return { rank, t: last.t, id: last.id, bound: lower };
}
