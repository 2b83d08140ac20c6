import { SETTINGS } from '../../src/settings.js';
import type { Step } from './sql.js';

/**
 * The home timelines (migration 0060) of every user, set-based, as the fan-out would have left
 * them: the authors with at least TIMELINE_PULL_FOLLOWERS followers are pull authors (merged
 * at read time); every user's timeline holds the posts and plain reposts of the last
 * WINDOW_DAYS by the user and the followees that are not pull authors, the newest
 * TIMELINE_ENTRIES of them. The floor says where that stops being complete: the last kept
 * entry when a user had more, else the window's start. Loaded before the indexes, which are
 * then built once from sorted data.
 */
export const WINDOW_DAYS = 7;
const ENTRIES = SETTINGS.TIMELINE_ENTRIES.default;
const PULL = SETTINGS.TIMELINE_PULL_FOLLOWERS.default;

export function timelineSteps(t0: string): Step[] {
  const start = `(${t0} - interval '${WINDOW_DAYS} days')`;
  return [
    {
      name: `home timelines (${WINDOW_DAYS} days, ${ENTRIES} entries, pull from ${PULL} followers)`,
      sql: `insert into timeline_pull_authors (user_id, since)
          select id, ${t0} from users where followers_count >= ${PULL};
        create unlogged table bench_seed.tl as
        select x.* from (
          select c.*, row_number() over (partition by c.user_id order by c.t desc, c.entry_id desc) as k
          from (
            select s.user_id, p.created_at as t, p.id as entry_id, p.id as post_id, p.author_id as source_id
            from (select f.follower_id as user_id, f.followee_id as source from follows f
                  union all select u.id, u.id from users u) s
            join posts p on p.author_id = s.source
            where p.deleted_at is null and p.created_at >= ${start}
              and s.source not in (select user_id from timeline_pull_authors)
            union all
            select s.user_id, r.created_at, r.id, r.post_id, r.user_id
            from (select f.follower_id as user_id, f.followee_id as source from follows f
                  union all select u.id, u.id from users u) s
            join reposts r on r.user_id = s.source
            where r.created_at >= ${start}
              and s.source not in (select user_id from timeline_pull_authors)
          ) c
        ) x where x.k <= ${ENTRIES};
        insert into home_timeline (user_id, t, entry_id, post_id, source_id)
          select user_id, t, entry_id, post_id, source_id from bench_seed.tl
          order by user_id, t, entry_id;
        insert into home_timeline_state (user_id, floor_t, floor_id, built_at)
          select u.id, coalesce(l.t, ${start}),
            coalesce(l.entry_id, '00000000-0000-0000-0000-000000000000'::uuid), ${t0}
          from users u left join bench_seed.tl l on l.user_id = u.id and l.k = ${ENTRIES};
        drop table bench_seed.tl;`,
    },
  ];
}
