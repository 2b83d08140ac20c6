import { type Kysely, sql } from 'kysely';

/**
 * The views of the plan: post_stats (live counts, to check the counters against) and the
 * materialized views trending_tickers, daily_metrics and engagement_metrics. Each
 * materialized view has the unique index that REFRESH ... CONCURRENTLY needs, so readers are
 * never blocked by a refresh. Days are UTC calendar days (docs/metrics.md).
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    create view post_stats as
    select
      p.id as post_id,
      (select count(*) from reactions r where r.post_id = p.id)::integer as reactions,
      (select count(*) from comments c
        where c.post_id = p.id and c.deleted_at is null)::integer as comments,
      (select count(*) from reposts rp where rp.post_id = p.id)::integer as reposts,
      (select count(*) from posts q
        where q.quoted_post_id = p.id and q.deleted_at is null)::integer as quotes
    from posts p
    where p.deleted_at is null;

    -- Tickers ranked by mentions (live posts naming them) in each window; the top 100 a window.
    create materialized view trending_tickers as
    with periods (period, since) as (
      values ('1h', now() - interval '1 hour'),
             ('24h', now() - interval '24 hours'),
             ('7d', now() - interval '7 days')
    ),
    counts as (
      select w.period, pt.symbol, count(*)::integer as mentions
      from periods w
      join post_tickers pt on pt.created_at >= w.since
      join posts p on p.id = pt.post_id and p.deleted_at is null
      group by w.period, pt.symbol
    ),
    ranked as (
      select period, symbol, mentions,
        row_number() over (partition by period order by mentions desc, symbol)::integer as rank
      from counts
    )
    select period, symbol, mentions, rank from ranked where rank <= 100;
    create unique index trending_tickers_key on trending_tickers (period, symbol);

    -- One row a UTC day from the first onboarding to today: activity and users.
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

    -- One row a UTC day: what was created (live rows), per active user, and the creators.
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
  `.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`
    drop materialized view if exists engagement_metrics;
    drop materialized view if exists daily_metrics;
    drop materialized view if exists trending_tickers;
    drop view if exists post_stats;
  `.execute(db);
}
