import { sql } from 'kysely';

/**
 * The daily views as 0003 defined them, which 0008's down() restores (a copy: 0003 creates
 * them among its other views, so its SQL cannot be reused piecemeal).
 */
export const OLD_VIEWS = sql`
  create materialized view daily_metrics as
  with days as (
    select generate_series(
      coalesce((select min((onboarded_at at time zone 'UTC')::date) from users), current_date),
      (now() at time zone 'UTC')::date,
      interval '1 day'
    )::date as day
  ),
  active_days as (
    select distinct s.user_id, d::date as day
    from user_sessions s,
      generate_series((s.started_at at time zone 'UTC')::date,
                      (s.last_seen_at at time zone 'UTC')::date, interval '1 day') d
  ),
  dau as (select day, count(*)::integer as n from active_days group by day),
  wau as (
    select d.day, count(distinct a.user_id)::integer as n
    from days d join active_days a on a.day between d.day - 6 and d.day
    group by d.day
  ),
  mau as (
    select d.day, count(distinct a.user_id)::integer as n
    from days d join active_days a on a.day between d.day - 29 and d.day
    group by d.day
  ),
  new_users as (
    select (onboarded_at at time zone 'UTC')::date as day, count(*)::integer as n
    from users where deleted_at is null group by 1
  )
  select
    d.day,
    coalesce(dau.n, 0) as dau,
    coalesce(wau.n, 0) as wau,
    coalesce(mau.n, 0) as mau,
    coalesce(nu.n, 0) as new_users,
    (sum(coalesce(nu.n, 0)) over (order by d.day))::integer as total_users
  from days d
  left join dau on dau.day = d.day
  left join wau on wau.day = d.day
  left join mau on mau.day = d.day
  left join new_users nu on nu.day = d.day;
  create unique index daily_metrics_key on daily_metrics (day);

  create materialized view engagement_metrics as
  with days as (select day, dau from daily_metrics),
  posts_d as (
    select (created_at at time zone 'UTC')::date as day, count(*)::integer as n,
      count(distinct author_id)::integer as creators
    from posts where deleted_at is null group by 1
  ),
  comments_d as (
    select (created_at at time zone 'UTC')::date as day, count(*)::integer as n
    from comments where deleted_at is null group by 1
  ),
  reactions_d as (
    select (created_at at time zone 'UTC')::date as day, count(*)::integer as n
    from reactions group by 1
  ),
  reposts_d as (
    select (created_at at time zone 'UTC')::date as day, count(*)::integer as n
    from reposts group by 1
  ),
  bookmarks_d as (
    select (created_at at time zone 'UTC')::date as day, count(*)::integer as n
    from bookmarks group by 1
  ),
  votes_d as (
    select (created_at at time zone 'UTC')::date as day, count(*)::integer as n
    from poll_votes group by 1
  )
  select
    d.day,
    coalesce(p.n, 0) as posts,
    coalesce(c.n, 0) as comments,
    coalesce(r.n, 0) as reactions,
    coalesce(rp.n, 0) as reposts,
    coalesce(b.n, 0) as bookmarks,
    coalesce(v.n, 0) as poll_votes,
    coalesce(p.creators, 0) as creators
  from days d
  left join posts_d p on p.day = d.day
  left join comments_d c on c.day = d.day
  left join reactions_d r on r.day = d.day
  left join reposts_d rp on rp.day = d.day
  left join bookmarks_d b on b.day = d.day
  left join votes_d v on v.day = d.day;
  create unique index engagement_metrics_key on engagement_metrics (day);
`;
