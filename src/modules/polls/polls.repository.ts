import { sql } from 'kysely';
import { type PollJson, pollObject } from '../../core/polls.js';
import type { Db } from '../../db/index.js';

/** A poll of a live post, with what a vote needs to know; undefined when there is none. */
export async function findPollForVote(db: Db, pollId: string, optionId: string) {
  return db
    .selectFrom('polls as pl')
    .innerJoin('posts', 'posts.id', 'pl.post_id')
    .select([
      'pl.id',
      'posts.author_id',
      sql<boolean>`exists (
        select 1 from poll_options o where o.id = ${optionId} and o.poll_id = pl.id
      )`.as('option_ok'),
    ])
    .where('pl.id', '=', pollId)
    .where('posts.deleted_at', 'is', null)
    .executeTakeFirst();
}

/**
 * Records a vote while the poll is open, in one statement: false when it had closed. A second
 * vote of the same user breaks poll_votes_pkey (409 already_voted, even under races).
 */
export async function insertVote(
  db: Db,
  pollId: string,
  userId: string,
  optionId: string,
): Promise<boolean> {
  const result = await sql`
    insert into poll_votes (poll_id, user_id, option_id)
    select pl.id, ${userId}, ${optionId} from polls pl
    where pl.id = ${pollId} and pl.expires_at > now()
  `.execute(db);
  return (result.numAffectedRows ?? 0n) > 0n;
}

/** The Poll of a live post, as the viewer sees it. */
export async function selectPoll(
  db: Db,
  pollId: string,
  viewerId: string | null,
): Promise<PollJson | undefined> {
  const row = await db
    .selectFrom('polls as pl')
    .innerJoin('posts', 'posts.id', 'pl.post_id')
    .select(pollObject(viewerId).as('poll'))
    .where('pl.id', '=', pollId)
    .where('posts.deleted_at', 'is', null)
    .executeTakeFirst();
  return row?.poll;
}
