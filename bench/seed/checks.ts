import type pg from 'pg';

/**
 * After seeding: the counters written with the rows must equal what the triggers of
 * 0002_counters.ts would have kept, counted live (post_stats for posts). Samples for the big
 * tables (the busiest rows and a random one per cent or so), everything for the small ones.
 */
export interface Check {
  name: string;
  checked: number;
  wrong: number;
}

const CHECKS: Record<string, string> = {
  'posts: counters = post_stats (sample)': `
    with sample as (
      (select id from posts where deleted_at is null order by reactions_count desc limit 20)
      union (select id from posts where deleted_at is null order by comments_count desc limit 20)
      union (select id from posts where deleted_at is null order by reposts_count desc limit 20)
      union (select id from posts where deleted_at is null order by quotes_count desc limit 20)
      union (select id from posts tablesample bernoulli (0.2) repeatable (42))
    )
    select count(*)::int as checked, count(*) filter (where
      (p.reactions_count, p.comments_count, p.reposts_count, p.quotes_count)
      is distinct from (s.reactions, s.comments, s.reposts, s.quotes))::int as wrong
    from sample x join posts p on p.id = x.id join post_stats s on s.post_id = x.id`,
  'users: counters = live counts (sample)': `
    with sample as (
      (select id from users order by followers_count desc limit 10)
      union (select id from users order by posts_count desc limit 10)
      union (select id from users where username like 'bench\\_%')
      union (select id from users tablesample bernoulli (1) repeatable (42))
    )
    select count(*)::int as checked, count(*) filter (where
      (u.followers_count, u.following_count, u.posts_count) is distinct from (
        (select count(*)::int from follows f where f.followee_id = u.id),
        (select count(*)::int from follows f where f.follower_id = u.id),
        (select count(*)::int from posts p where p.author_id = u.id and p.deleted_at is null)))::int as wrong
    from sample x join users u on u.id = x.id`,
  'comments: counters = live counts (sample)': `
    with sample as (
      (select id from comments order by reactions_count desc limit 10)
      union (select id from comments order by replies_count desc limit 10)
      union (select id from comments tablesample bernoulli (0.5) repeatable (42))
    )
    select count(*)::int as checked, count(*) filter (where
      (c.reactions_count, c.replies_count) is distinct from (
        (select count(*)::int from reactions r where r.comment_id = c.id),
        (select count(*)::int from comments k where k.parent_id = c.id and k.deleted_at is null)))::int as wrong
    from sample x join comments c on c.id = x.id`,
  'tickers: post_count = live posts (all)': `
    select count(*)::int as checked, count(*) filter (where t.post_count <> coalesce(s.n, 0))::int as wrong
    from tickers t left join (
      select pt.symbol, count(*)::int as n from post_tickers pt
      join posts p on p.id = pt.post_id and p.deleted_at is null group by 1
    ) s on s.symbol = t.symbol`,
  'polls: votes = poll_votes (all)': `
    select count(*)::int as checked, count(*) filter (where o.votes_count <> coalesce(s.n, 0)
      or pl.total_votes <> coalesce(t.n, 0))::int as wrong
    from poll_options o join polls pl on pl.id = o.poll_id
    left join (select option_id, count(*)::int as n from poll_votes group by 1) s on s.option_id = o.id
    left join (select poll_id, count(*)::int as n from poll_votes group by 1) t on t.poll_id = pl.id`,
  'triggers: none left disabled': `
    select count(*)::int as checked, count(*) filter (where t.tgenabled = 'D')::int as wrong
    from pg_trigger t join pg_class c on c.oid = t.tgrelid
    where not t.tgisinternal and c.relnamespace = 'public'::regnamespace`,
};

export async function runChecks(client: pg.Client): Promise<Check[]> {
  const checks: Check[] = [];
  for (const [name, sql] of Object.entries(CHECKS)) {
    const { rows } = await client.query<{ checked: number; wrong: number }>(sql);
    checks.push({ name, checked: rows[0]!.checked, wrong: rows[0]!.wrong });
  }
  return checks;
}
