import { type Kysely, sql } from 'kysely';

/**
 * Follow and unfollow of the same pair at once deadlocked. A follow (and a block) locks the
 * two users' rows first (lockUserPair), then writes `follows`; an unfollow deleted the
 * `follows` row first, and only its counter trigger (after the delete) locked the users.
 * Opposite orders: the follow waited on the deleted row, the unfollow on the users.
 *
 * This trigger, before the delete, takes the users' locks in id order as every other path
 * does. The row itself is only locked (not yet deleted) at that moment, and a lock alone does
 * not make a concurrent `insert ... on conflict do nothing` wait, so the follow finishes, and
 * the unfollow goes on after it. Every path that deletes follows (an unfollow, a block, an
 * account's erasure) gets it.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    create function follows_lock_users() returns trigger language plpgsql as $$
    begin
      perform 1 from users where id in (old.follower_id, old.followee_id)
        order by id for no key update;
      return old;
    end $$;
    create trigger follows_lock_users before delete on follows
      for each row execute function follows_lock_users();
  `.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`
    drop trigger if exists follows_lock_users on follows;
    drop function if exists follows_lock_users();
  `.execute(db);
}
