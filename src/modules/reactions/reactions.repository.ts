import { sql } from 'kysely';
import { postCount } from '../../core/counters.js';
import type { Db } from '../../db/index.js';

/**
 * Likes of posts and comments. A like moves the target's reactions_count and notifies its
 * author through the triggers `reactions_counter` (migration 0002) and `reactions_notify`
 * (0012), in the statement's transaction; an unlike takes both back.
 */
export type ReactionTarget = { postId: string } | { commentId: string };

const ATTEMPTS = 12;

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Toggles a user's like on a post or comment, safe under concurrent toggles of the same user.
 * One statement: insert ... on conflict do nothing, and when no row was added, delete the
 * like that was there. Neither happens when another request's like appeared after this
 * statement's snapshot (the insert waits for it and conflicts; the delete cannot see it): try
 * again after a short random pause, so racing toggles fall out of step. Answers the new state
 * (true = liked); undefined when the like kept changing under us.
 */
export async function toggleReaction(
  db: Db,
  userId: string,
  target: ReactionTarget,
): Promise<boolean | undefined> {
  const column = sql.ref('postId' in target ? 'post_id' : 'comment_id');
  const targetId = 'postId' in target ? target.postId : target.commentId;
  for (let attempt = 1; attempt <= ATTEMPTS; attempt++) {
    const { rows } = await sql<{ added: boolean; removed: boolean }>`
      with added as (
        insert into reactions (user_id, ${column}) values (${userId}, ${targetId})
        on conflict (${column}, user_id) do nothing
        returning id
      ), removed as (
        delete from reactions
        where ${column} = ${targetId} and user_id = ${userId}
          and not exists (select 1 from added)
        returning id
      )
      select exists (select 1 from added) as added, exists (select 1 from removed) as removed
    `.execute(db);
    const result = rows[0];
    if (result?.added) return true;
    if (result?.removed) return false;
    await pause(Math.random() * 4 * attempt);
  }
  return undefined;
}

/** The like counter of a post (pending deltas included: core/counters.ts) or comment. */
export async function reactionCount(db: Db, target: ReactionTarget): Promise<number> {
  if ('postId' in target) return (await postCount(db, target.postId, 'reactions')) ?? 0;
  const row = await db
    .selectFrom('comments')
    .select('reactions_count as n')
    .where('id', '=', target.commentId)
    .executeTakeFirst();
  return row?.n ?? 0;
}
