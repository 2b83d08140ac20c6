import { type RawBuilder, sql } from 'kysely';
import { type Static, Type } from 'typebox';
import { Nullable, Timestamp, Uuid } from '../lib/schemas.js';
import { isoTime } from './sql.js';

/** A poll as every answer shows it: inside its post, and alone after a vote or for results. */
export const Poll = Type.Object(
  {
    id: Uuid,
    options: Type.Array(
      Type.Object({ id: Uuid, text: Type.String(), votes: Type.Integer({ minimum: 0 }) }),
    ),
    total_votes: Type.Integer({ minimum: 0 }),
    expires_at: Timestamp,
    is_expired: Type.Boolean(),
    viewer_vote: Nullable(Uuid),
  },
  { $id: 'Poll', title: 'Poll' },
);
export type Poll = Static<typeof Poll>;

/** Poll as pollObject returns it: already the Poll (expires_at as ISO text, core/sql.ts). */
export type PollJson = Poll;

/**
 * The Poll of the poll aliased `pl`, with the viewer's vote. The tallies are counters kept by
 * the trigger `poll_votes_counter` (migration 0002) in the transaction of each vote.
 */
export function pollObject(viewerId: string | null): RawBuilder<PollJson> {
  const viewerVote = viewerId
    ? sql`(select v.option_id from poll_votes v where v.poll_id = pl.id and v.user_id = ${viewerId})`
    : sql`null::uuid`;
  return sql<PollJson>`json_build_object(
    'id', pl.id,
    'options', (
      select coalesce(json_agg(json_build_object('id', o.id, 'text', o.text, 'votes', o.votes_count)
        order by o.position), '[]'::json)
      from poll_options o where o.poll_id = pl.id
    ),
    'total_votes', pl.total_votes,
    'expires_at', ${isoTime(sql`pl.expires_at`)},
    'is_expired', pl.expires_at <= now(),
    'viewer_vote', ${viewerVote}
  )`;
}
