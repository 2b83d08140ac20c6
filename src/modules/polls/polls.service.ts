import type { Db } from '../../db/index.js';
import { conflict, invalid, notFound } from '../../lib/errors.js';
import { cleanText } from '../../lib/text.js';
import { ensureNoBlock } from '../posts/posts.access.js';
import { toPoll } from '../posts/posts.builder.js';
import { findPollForVote, insertVote, selectPoll } from './polls.repository.js';
import { POLL_OPTION_MAX, type Poll } from './polls.schemas.js';

/** Trims each option (1-80 characters) and refuses two that differ only in case. */
export function cleanPollOptions(options: readonly string[]): string[] {
  const cleaned = options.map((option, i) =>
    cleanText(option, `poll.options[${i}]`, { min: 1, max: POLL_OPTION_MAX }),
  );
  const seen = new Set<string>();
  for (const option of cleaned) {
    const key = option.toLowerCase();
    if (seen.has(key)) throw invalid('poll.options', 'must be distinct, ignoring case');
    seen.add(key);
  }
  return cleaned;
}

export async function getPoll(db: Db, pollId: string, viewerId: string | null): Promise<Poll> {
  const poll = await selectPoll(db, pollId, viewerId);
  if (!poll) throw notFound('poll');
  return toPoll(poll);
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
