import { invalid } from './errors.js';

/**
 * Keyset cursors: the (time, id) of the last item of a page, as base64url JSON. Times are
 * stored with millisecond precision (timestamptz(3)), so a Date round-trips exactly. A cursor
 * that does not decode to that shape is a 422, whatever was done to it.
 */
export interface Cursor {
  t: Date;
  id: string;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const ISO = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;

export function encodeCursor(t: Date, id: string): string {
  return Buffer.from(JSON.stringify([t.toISOString(), id])).toString('base64url');
}

export function decodeCursor(raw: string): Cursor {
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(raw, 'base64url').toString('utf8'));
  } catch {
    throw invalid('cursor', 'is not a cursor of this list');
  }
  if (
    !Array.isArray(parsed) ||
    parsed.length !== 2 ||
    typeof parsed[0] !== 'string' ||
    typeof parsed[1] !== 'string' ||
    !ISO.test(parsed[0]) ||
    !UUID.test(parsed[1])
  ) {
    throw invalid('cursor', 'is not a cursor of this list');
  }
  const t = new Date(parsed[0]);
  if (Number.isNaN(t.getTime())) throw invalid('cursor', 'is not a cursor of this list');
  return { t, id: parsed[1].toLowerCase() };
}

export interface PageResult<T> {
  items: T[];
  next_cursor: string | null;
}

/**
 * Turns limit+1 fetched rows into a page: the extra row only says that there is more.
 * key gives the (time, id) of a row, the same pair the query orders by.
 */
export function toPage<R, T>(
  rows: R[],
  limit: number,
  key: (row: R) => { t: Date; id: string },
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
