import type { Db } from '../../db/index.js';

export type ReactionTarget = { postId: string } | { commentId: string };

const ATTEMPTS = 5;

/**
 * Toggles a user's like on a post or comment, safe under concurrent toggles of the same user:
 * insert ... on conflict do nothing; if a like was there, delete it. When neither happened,
 * another request removed the like between the two statements: try again. Answers the new
 * state (true = liked); undefined when the target kept changing under us.
 */
export async function toggleReaction(
  db: Db,
  userId: string,
  target: ReactionTarget,
): Promise<boolean | undefined> {
  const column = 'postId' in target ? 'post_id' : 'comment_id';
  const targetId = 'postId' in target ? target.postId : target.commentId;
  for (let attempt = 0; attempt < ATTEMPTS; attempt++) {
    const inserted = await db
      .insertInto('reactions')
      .values({ user_id: userId, [column]: targetId })
      .onConflict((oc) => oc.columns([column, 'user_id']).doNothing())
      .returning('id')
      .executeTakeFirst();
    if (inserted) return true;
    const deleted = await db
      .deleteFrom('reactions')
      .where(column, '=', targetId)
      .where('user_id', '=', userId)
      .returning('id')
      .executeTakeFirst();
    if (deleted) return false;
  }
  return undefined;
}

/** The like counter of a post or comment (kept by a trigger on reactions). */
export async function reactionCount(db: Db, target: ReactionTarget): Promise<number> {
  const row =
    'postId' in target
      ? await db
          .selectFrom('posts')
          .select('reactions_count as n')
          .where('id', '=', target.postId)
          .executeTakeFirst()
      : await db
          .selectFrom('comments')
          .select('reactions_count as n')
          .where('id', '=', target.commentId)
          .executeTakeFirst();
  return row?.n ?? 0;
}
