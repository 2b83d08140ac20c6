import { sql } from 'kysely';
import type { Db } from '../../db/index.js';

/** A session ends after 30 minutes without a request (docs/metrics.md "Activity"). */
export const SESSION_GAP_MINUTES = 30;

/**
 * Records that a user was active at `at`: extends their session open at that moment (or
 * starts one) and moves users.last_active_at. `requests` is how many requests this covers
 * (writes are batched; `at` is the time of the last of them). Never moves a time backwards.
 * Does nothing for a user without a profile.
 */
export async function recordActivity(
  db: Db,
  userId: string,
  requests: number,
  at: Date,
): Promise<void> {
  await sql`
    with profile as (
      update users set last_active_at = greatest(last_active_at, ${at})
      where id = ${userId} and deleted_at is null
      returning id
    ),
    open_session as (
      select s.id from user_sessions s, profile
      where s.user_id = profile.id
        and s.last_seen_at > ${at}::timestamptz - make_interval(mins => ${SESSION_GAP_MINUTES})
        and s.started_at <= ${at}
      order by s.last_seen_at desc
      limit 1
    ),
    extended as (
      update user_sessions s
      set last_seen_at = greatest(s.last_seen_at, ${at}), request_count = s.request_count + ${requests}
      from open_session o where s.id = o.id
      returning s.id
    )
    insert into user_sessions (user_id, request_count, started_at, last_seen_at)
    select profile.id, ${requests}, ${at}, ${at} from profile
    where not exists (select 1 from open_session)
  `.execute(db);
}
