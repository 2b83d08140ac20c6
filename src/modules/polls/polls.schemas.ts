import { type Static, Type } from 'typebox';
import { Nullable, Text, Timestamp, Uuid } from '../../lib/schemas.js';

/** API.md "Poll": tallies come from counters kept by triggers on poll_votes. */
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

export const POLL_OPTION_MAX = 80;

/** A poll as it is created with a post. */
export const NewPoll = Type.Object(
  {
    options: Type.Array(Text({ maxLength: 200, description: '1-80 characters after trimming' }), {
      minItems: 2,
      maxItems: 4,
      description: '2-4 options, distinct ignoring case',
    }),
    duration_days: Type.Optional(
      Type.Integer({ minimum: 1, maximum: 7, default: 1, description: 'open for 1-7 days' }),
    ),
  },
  { additionalProperties: false },
);
export type NewPoll = Static<typeof NewPoll>;

export const VoteBody = Type.Object({ option_id: Uuid });
export type VoteBody = Static<typeof VoteBody>;
