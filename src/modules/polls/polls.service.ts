import { ensureNoBlock } from '../../core/access.js';
import type { Poll } from '../../core/polls.js';
import type { Db } from '../../db/index.js';
import { conflict, invalid, notFound } from '../../lib/errors.js';
import { findPollForVote, insertVote, selectPoll } from './polls.repository.js';

/**
 * Votes and results. A poll is created with its post (modules/posts); its tallies move in the
 * transaction of each vote through the trigger `poll_votes_counter` (migration 0002).
 */

export async function getPoll(db: Db, pollId: string, viewerId: string | null): Promise<Poll> {
  const poll = await selectPoll(db, pollId, viewerId);
  if (!poll) throw notFound('poll');
  return poll;
}

/**
 * One vote per user, while the poll is open. A block between the voter and the poll's author
 * refuses the vote as it refuses a reaction (403 blocked).
 */
export async function vote(db: Db, pollId: string, userId: string, optionId: string) {
  const poll = await findPollForVote(db, pollId, optionId);
  if (!poll) throw notFound('poll');
  await ensureNoBlock(db, userId, poll.author_id);
  if (!poll.option_ok) throw invalid('option_id', 'is not an option of this poll');
  if (!(await insertVote(db, pollId, userId, optionId))) {
    throw conflict('poll_closed', 'this poll is closed');
  }
  return getPoll(db, pollId, userId);
}
