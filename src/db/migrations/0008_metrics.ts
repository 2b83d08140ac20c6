import { type Kysely, sql } from 'kysely';
import { OLD_VIEWS } from './0008_metrics.down.js';

/**
 * Investor metrics (docs/metrics.md). Each daily figure is defined once, as a SQL
 * function of a day range; the materialized views cache it for complete days (up to
 * yesterday, UTC) and the service computes the days after a view's last day (today at
 * least) with the same functions. So a day read from a view and a day computed live cannot
 * disagree, and no view holds a half-counted day.
 *
 * Activity comes from user_sessions: a user is active on every UTC day a session of theirs
 * touches (one spanning midnight counts on both days). WAU and MAU are computed in one pass
 * over the distinct (user, active day) pairs: a user counts in WAU(d) for d in [a, a + 6] of
 * each active day a, so each run of such spans adds one where it starts and takes one away
 * the day after it ends, and WAU is the running sum (the same with 30 days for MAU). That is
 * linear in active days, where joining every day to its 7 or 30-day window grows 7-30 times.
 *
 * Replaces 0003's daily_metrics and engagement_metrics (same columns), whose days ran through
 * today (a partial day, frozen until the next refresh), whose new_users left out profiles
 * deleted since, and whose creators counted authors who were not active users.
 */
const FUNCTIONS = sql`
  -- Whether a user was active on any day of [first_day, last_day]: one index probe. A user's
  -- sessions do not overlap, so the session with the earliest last_seen_at on or after the
  -- range's start is the only one that can reach into the range.
  create function metrics_user_active(for_user uuid, first_day date, last_day date)
  returns boolean language sql stable parallel safe
  begin atomic

    select coalesce((
      select s.started_at < ((last_day + 1)::timestamp at time zone 'UTC')
      from user_sessions s
      where s.user_id = for_user
        and s.last_seen_at >= (first_day::timestamp at time zone 'UTC')
      order by s.last_seen_at
      limit 1), false);
  end;

  create function metrics_activity(from_day date, to_day date)
  returns table (day date, dau integer, wau integer, mau integer)
  language sql stable parallel safe
  begin atomic

    with active as (
      select distinct s.user_id, span.first_day + g.i as day
      from user_sessions s
      cross join lateral (
        select greatest((s.started_at at time zone 'UTC')::date, from_day - 29) as first_day,
               least((s.last_seen_at at time zone 'UTC')::date, to_day) as last_day
      ) span
      cross join lateral generate_series(0, span.last_day - span.first_day) as g(i)
      where s.last_seen_at >= ((from_day - 29)::timestamp at time zone 'UTC')
        and s.started_at < ((to_day + 1)::timestamp at time zone 'UTC')
    ),
    runs as (
      select a.day,
        a.day - lag(a.day) over w as since_previous,
        lead(a.day) over w - a.day as until_next
      from active a
      window w as (partition by a.user_id order by a.day)
    ),
    changes (day, dau, wau, mau) as (
      select r.day, 1, (coalesce(r.since_previous, 7) >= 7)::integer,
        (coalesce(r.since_previous, 30) >= 30)::integer
      from runs r
      union all
      select r.day + 7, 0, -1, 0 from runs r where coalesce(r.until_next, 7) >= 7
      union all
      select r.day + 30, 0, 0, -1 from runs r where coalesce(r.until_next, 30) >= 30
    ),
    per_day as (
      select c.day, sum(c.dau) as dau, sum(c.wau) as wau, sum(c.mau) as mau
      from changes c group by c.day
    ),
    series as (
      select d.day, coalesce(p.dau, 0) as dau,
        sum(coalesce(p.wau, 0)) over (order by d.day) as wau,
        sum(coalesce(p.mau, 0)) over (order by d.day) as mau
      from (select from_day - 29 + i as day from generate_series(0, to_day - from_day + 29) i) d
      left join per_day p on p.day = d.day
    )
    select s.day, s.dau::integer, s.wau::integer, s.mau::integer
    from series s where s.day >= from_day;
  end;

  -- New users: profiles onboarded that day (deleted since or not). Total users: profiles
  -- onboarded up to that day and not deleted by its end, so a past day's total never moves.
  create function metrics_users(from_day date, to_day date)
  returns table (day date, new_users integer, total_users integer)
  language sql stable parallel safe
  begin atomic

    with joined as (
      select (u.onboarded_at at time zone 'UTC')::date as day, count(*) as n
      from users u
      where u.onboarded_at >= (from_day::timestamp at time zone 'UTC')
        and u.onboarded_at < ((to_day + 1)::timestamp at time zone 'UTC')
      group by 1
    ),
    gone as (
      select (u.deleted_at at time zone 'UTC')::date as day, count(*) as n
      from users u
      where u.deleted_at >= (from_day::timestamp at time zone 'UTC')
        and u.deleted_at < ((to_day + 1)::timestamp at time zone 'UTC')
      group by 1
    ),
    earlier as (
      select
        (select count(*) from users u
          where u.onboarded_at < (from_day::timestamp at time zone 'UTC'))
        - (select count(*) from users u
          where u.deleted_at < (from_day::timestamp at time zone 'UTC')) as n
    )
    select d.day, coalesce(j.n, 0)::integer,
      (e.n + sum(coalesce(j.n, 0) - coalesce(g.n, 0)) over (order by d.day))::integer
    from (select from_day + i as day from generate_series(0, to_day - from_day) i) d
    cross join earlier e
    left join joined j on j.day = d.day
    left join gone g on g.day = d.day;
  end;

  -- What was created each day and still stands (a deleted post or comment is not counted;
  -- undone reactions, reposts, bookmarks are gone from their tables), and the creators: the
  -- users active that day who posted.
  create function metrics_engagement(from_day date, to_day date)
  returns table (day date, posts integer, comments integer, reactions integer,
    reposts integer, bookmarks integer, poll_votes integer, creators integer)
  language sql stable parallel safe
  begin atomic

    with post_days as (
      select (p.created_at at time zone 'UTC')::date as day, p.author_id
      from posts p
      where p.deleted_at is null
        and p.created_at >= (from_day::timestamp at time zone 'UTC')
        and p.created_at < ((to_day + 1)::timestamp at time zone 'UTC')
    ),
    posts_d as (select day, count(*) as n from post_days group by day),
    creators_d as (
      select a.day, count(*) as n
      from (select distinct day, author_id from post_days) a
      where exists (
        select 1 from user_sessions s
        where s.user_id = a.author_id
          and s.last_seen_at >= (a.day::timestamp at time zone 'UTC')
          and s.started_at < ((a.day + 1)::timestamp at time zone 'UTC'))
      group by a.day
    ),
    comments_d as (
      select (c.created_at at time zone 'UTC')::date as day, count(*) as n
      from comments c
      where c.deleted_at is null
        and c.created_at >= (from_day::timestamp at time zone 'UTC')
        and c.created_at < ((to_day + 1)::timestamp at time zone 'UTC')
      group by 1
    ),
    reactions_d as (
      select (r.created_at at time zone 'UTC')::date as day, count(*) as n
      from reactions r
      where r.created_at >= (from_day::timestamp at time zone 'UTC')
        and r.created_at < ((to_day + 1)::timestamp at time zone 'UTC')
      group by 1
    ),
    reposts_d as (
      select (r.created_at at time zone 'UTC')::date as day, count(*) as n
      from reposts r
      where r.created_at >= (from_day::timestamp at time zone 'UTC')
        and r.created_at < ((to_day + 1)::timestamp at time zone 'UTC')
      group by 1
    ),
    bookmarks_d as (
      select (b.created_at at time zone 'UTC')::date as day, count(*) as n
      from bookmarks b
      where b.created_at >= (from_day::timestamp at time zone 'UTC')
        and b.created_at < ((to_day + 1)::timestamp at time zone 'UTC')
      group by 1
    ),
    votes_d as (
      select (v.created_at at time zone 'UTC')::date as day, count(*) as n
      from poll_votes v
      where v.created_at >= (from_day::timestamp at time zone 'UTC')
        and v.created_at < ((to_day + 1)::timestamp at time zone 'UTC')
      group by 1
    )
    select d.day,
      coalesce(p.n, 0)::integer, coalesce(c.n, 0)::integer, coalesce(r.n, 0)::integer,
      coalesce(rp.n, 0)::integer, coalesce(b.n, 0)::integer, coalesce(v.n, 0)::integer,
      coalesce(cr.n, 0)::integer
    from (select from_day + i as day from generate_series(0, to_day - from_day) i) d
    left join posts_d p on p.day = d.day
    left join creators_d cr on cr.day = d.day
    left join comments_d c on c.day = d.day
    left join reactions_d r on r.day = d.day
    left join reposts_d rp on rp.day = d.day
    left join bookmarks_d b on b.day = d.day
    left join votes_d v on v.day = d.day;
  end;
`;

/** From the first onboarding (or session) to yesterday, UTC: complete days only. */
const DAYS = sql`
  with bounds as (
    select
      least((select (min(onboarded_at) at time zone 'UTC')::date from users),
            (select (min(last_seen_at) at time zone 'UTC')::date from user_sessions)) as first_day,
      (now() at time zone 'UTC')::date - 1 as last_day
  )
`;

const VIEWS = sql`
  create materialized view daily_metrics as
  ${DAYS}
  select a.day, a.dau, a.wau, a.mau, u.new_users, u.total_users
  from bounds b
  cross join lateral metrics_activity(b.first_day, b.last_day) a
  join lateral metrics_users(b.first_day, b.last_day) u on u.day = a.day
  with no data;
  create unique index daily_metrics_key on daily_metrics (day);

  create materialized view engagement_metrics as
  ${DAYS}
  select e.day, e.posts, e.comments, e.reactions, e.reposts, e.bookmarks, e.poll_votes,
    e.creators
  from bounds b
  cross join lateral metrics_engagement(b.first_day, b.last_day) e
  with no data;
  create unique index engagement_metrics_key on engagement_metrics (day);
`;

/**
 * Fills the views (REFRESH ... CONCURRENTLY needs a populated view). Not recorded in
 * view_refreshes, as 0003 did not: refreshed_at stays null until the service refreshes them.
 */
async function populate(db: Kysely<unknown>): Promise<void> {
  // on a large database this takes a while; the pool's statement timeout is 15 s
  await sql`set local statement_timeout = '10min'`.execute(db);
  await sql`refresh materialized view daily_metrics`.execute(db);
  await sql`refresh materialized view engagement_metrics`.execute(db);
}

export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    drop materialized view engagement_metrics;
    drop materialized view daily_metrics;
    -- total users subtracts deleted profiles up to a day: few rows, so a small partial index
    create index users_deleted_at on users (deleted_at) where deleted_at is not null;
    -- today's DAU, WAU and MAU: users whose latest activity falls in the last 1, 7, 30 days
    create index users_last_active_at on users (last_active_at) where last_active_at is not null;
    ${FUNCTIONS}
    ${VIEWS}
  `.execute(db);
  await populate(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  // 0003's daily_metrics joins every day to its 30-day window: minutes on a large database
  await sql`set local statement_timeout = '30min'`.execute(db);
  await sql`
    drop materialized view engagement_metrics;
    drop materialized view daily_metrics;
    drop function metrics_engagement(date, date);
    drop function metrics_users(date, date);
    drop function metrics_activity(date, date);
    drop function metrics_user_active(uuid, date, date);
    drop index users_last_active_at;
    drop index users_deleted_at;
    ${OLD_VIEWS}
  `.execute(db);
}
