import { type Kysely, sql } from 'kysely';

/**
 * Trending by velocity: trending_tickers gains, for each window, `baseline` (the mean
 * mentions per window of the same length over the 7 days before the window) and `velocity`
 * (mentions ÷ max(baseline, 1)), and a second ranking, `velocity_rank`, so a ticker waking up
 * ranks above one that is always busy. It keeps the top 100 of either ranking per window.
 * Counts are live posts (not deleted, author not suspended: 0014), as before; baseline and velocity are rounded to 2 decimals (velocity
 * is worked out from the unrounded baseline).
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  // the backfill of a large database outlasts the pool's statement timeout
  await sql`set local statement_timeout = '30min'`.execute(db);
  await sql`
    drop materialized view trending_tickers;
    create materialized view trending_tickers as
    with periods (period, len, windows) as (
      values ('1h', interval '1 hour', 168),
             ('24h', interval '24 hours', 7),
             ('7d', interval '7 days', 1)
    ),
    bounds as (select period, windows, now() - len as since from periods),
    counts as (
      select w.period, pt.symbol,
        (count(*) filter (where pt.created_at >= w.since))::integer as mentions,
        count(*) filter (where pt.created_at < w.since)::numeric / w.windows as baseline
      from bounds w
      join post_tickers pt on pt.created_at >= w.since - interval '7 days'
      join posts p on p.id = pt.post_id and p.deleted_at is null and not p.author_suspended
      group by w.period, w.windows, pt.symbol
    ),
    scored as (
      select period, symbol, mentions, baseline,
        mentions / greatest(baseline, 1) as velocity
      from counts where mentions > 0
    ),
    ranked as (
      select period, symbol, mentions,
        round(baseline, 2)::float8 as baseline,
        round(velocity, 2)::float8 as velocity,
        row_number() over (partition by period order by mentions desc, symbol)::integer as rank,
        row_number() over (partition by period
          order by round(velocity, 2) desc, mentions desc, symbol)::integer as velocity_rank
      from scored
    )
    select period, symbol, mentions, rank, baseline, velocity, velocity_rank
    from ranked where rank <= 100 or velocity_rank <= 100;
    create unique index trending_tickers_key on trending_tickers (period, symbol);
  `.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`
    drop materialized view trending_tickers;
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
      join posts p on p.id = pt.post_id and p.deleted_at is null and not p.author_suspended
      group by w.period, pt.symbol
    ),
    ranked as (
      select period, symbol, mentions,
        row_number() over (partition by period order by mentions desc, symbol)::integer as rank
      from counts
    )
    select period, symbol, mentions, rank from ranked where rank <= 100;
    create unique index trending_tickers_key on trending_tickers (period, symbol);
  `.execute(db);
}
