import { type RawBuilder, sql } from 'kysely';

/**
 * A timestamptz as the API writes times: ISO-8601 in UTC with milliseconds, exactly as
 * Date.toISOString does (`2026-11-25T17:00:00.000Z`), null for null, whatever the session's
 * TimeZone (a timestamptz inside json_build_object would follow it, and drop zero
 * milliseconds). Times are stored with millisecond precision (timestamptz(3)).
 */
export function isoTime(column: RawBuilder<unknown>): RawBuilder<string> {
  return sql<string>`to_char(${column} at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')`;
}
