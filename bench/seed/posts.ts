import { AUTHOR_SKEW, type Sizes } from './sizes.js';
import { lit, num, pick, type Step, stride } from './sql.js';
import { HOT_SHARE, HOT_WEIGHTS } from './symbols.js';
import {
  BEARISH_OPENERS,
  BULLISH_OPENERS,
  CLOSERS,
  EXTRA_SENTENCES,
  NEUTRAL_OPENERS,
  PLAIN_POSTS,
  POLL_OPTION_SETS,
} from './words.js';

/**
 * Posts (number 1 is the newest), their ticker mentions, polls and media. bench_seed.p holds
 * what the other tables need of a post: id, author, time, deletion, and its popularity rank
 * (rank 1 is the viral post; reactions, comments, reposts and bookmarks follow a Zipf law of
 * the rank). Posts and polls are inserted after what they count, with their counters.
 */

const r = (key: string, salt: number) => `bench_seed.r(${key}, ${salt})`;

export function postMapSteps(s: Sizes, t0: string): Step[] {
  const spanMs = s.days * 86_400_000;
  const ownEvery = Math.max(1, Math.floor(s.posts / 20));
  const tagged = s.mentions / (1.5 * s.posts) / 0.99; // 1.5 slots a tagged post; ~1 % collide
  const thresholds = [0];
  for (const w of HOT_WEIGHTS.slice(0, -1)) thresholds.push(thresholds.at(-1)! + w);
  const key = 'g::bigint * 4 + sl';
  return [
    {
      name: 'map: posts',
      sql: `create unlogged table bench_seed.p as
        select n, bench_seed.uuid(n, 2) as id, author_n, created_at,
          case when n <> ${s.viralPost} and ${r('n', 203)} < 0.01
            then least(${t0}, created_at + interval '1 minute' * floor(2880 * ${r('n', 204)}))::timestamptz(3)
          end as deleted_at,
          case when ${r('n', 205)} < 1.0 / 3 then 'bullish' when ${r('n', 205)} < 2.0 / 3 then 'bearish' end
            as sentiment,
          case when n < ${s.posts} and n <> ${s.viralPost} and ${r('n', 206)} < ${s.quoteShare}
            then n + 1 + floor((${s.posts} - n - 1) * power(${r('n', 207)}, 4))::int end as quoted_n,
          row_number() over (order by n = ${s.viralPost} desc, ${r('n', 200)})::int as rank
        from (
          select g as n,
            -- the follower of 500 writes a few posts too: the following feed includes oneself
            case when g % ${ownEvery} = 0 then ${s.crowd + 1}
              else 1 + floor(${s.crowd} * power(${r('g', 202)}, ${AUTHOR_SKEW}))::int end as author_n,
            ${t0} - interval '1 millisecond' * floor(${spanMs} * (g - 1 + ${r('g', 201)}) / ${s.posts})
              as created_at
          from generate_series(1, ${s.posts}) g
        ) s;
        analyze bench_seed.p;`,
    },
    {
      // 0-3 draws a post (hot tickers, then a power law over the rest); a symbol drawn twice
      // counts once; position is the order of first appearance, from 0
      name: 'map: ticker mentions',
      sql: `create unlogged table bench_seed.m as
        select post_n, symbol, (row_number() over (partition by post_n order by slot) - 1)::smallint as position
        from (
          select distinct on (x.post_n, t.symbol) x.post_n, x.slot, t.symbol
          from (
            select g as post_n, sl as slot,
              case when ${r(key, 301)} < ${HOT_SHARE}
                then width_bucket(${r(key, 302)}, array[${thresholds.map(num).join(',')}]::float8[])
                else 1 + floor(${s.tickers} * power(${r(key, 303)}, 2.5))::int end as rank
            from (
              select g, generate_series(1, case when ${r('g', 300)} >= ${num(tagged)} then 0
                when ${r('g', 304)} < 0.61 then 1 when ${r('g', 304)} < 0.89 then 2 else 3 end) as sl
              from generate_series(1, ${s.posts}) g
            ) d
          ) x
          join bench_seed.tk t on t.rank = x.rank
          order by x.post_n, t.symbol, x.slot
        ) d;
        analyze bench_seed.m;`,
    },
  ];
}

export function postTickerSteps(): Step[] {
  return [
    {
      name: 'post tickers',
      sql: `insert into post_tickers (post_id, symbol, position, created_at)
        select p.id, m.symbol, m.position, p.created_at
        from bench_seed.m m join bench_seed.p p on p.n = m.post_n
        order by m.post_n desc, m.position;`,
    },
  ];
}

/**
 * Counters as the triggers keep them: every reaction and repost, live comments, live quotes.
 * Reactions and reposts are counted in their tables; comments and quotes in the maps the
 * comments and posts are inserted from (those are being inserted at the same time).
 */
export function postSteps(): Step[] {
  const opener = (salt: number) => `case p.sentiment
    when 'bullish' then ${pick(BULLISH_OPENERS, r('p.n', salt))}
    when 'bearish' then ${pick(BEARISH_OPENERS, r('p.n', salt))}
    else ${pick(NEUTRAL_OPENERS, r('p.n', salt))} end`;
  const extra = `case when ${r('p.n', 211)} < 0.3 then ' ' || ${pick(EXTRA_SENTENCES, r('p.n', 212))} else '' end`;
  return [
    {
      name: 'posts, with their counters',
      sql: `insert into posts (id, author_id, content, sentiment, quoted_post_id, reactions_count,
          comments_count, reposts_count, quotes_count, created_at, updated_at, deleted_at)
        select p.id, u.id,
          case when m.tags is null then ${pick(PLAIN_POSTS, r('p.n', 210))} || ${extra}
            else ${opener(213)} || ' ' || m.tags || ' ' || ${pick(CLOSERS, r('p.n', 214))} || ${extra}
          end,
          p.sentiment, case when p.quoted_n is not null then bench_seed.uuid(p.quoted_n, 2) end,
          coalesce(re.n, 0), coalesce(co.n, 0), coalesce(rp.n, 0), coalesce(qu.n, 0),
          p.created_at, coalesce(p.deleted_at, p.created_at), p.deleted_at
        from bench_seed.p p
        join bench_seed.u u on u.n = p.author_n
        left join (
          select post_n, string_agg('$' || symbol, ' ' order by position) as tags
          from bench_seed.m group by post_n
        ) m on m.post_n = p.n
        left join (
          select post_id, count(*)::int as n from reactions where post_id is not null group by 1
        ) re on re.post_id = p.id
        left join (
          select post_id, count(*)::int as n from bench_seed.c where deleted_at is null group by 1
        ) co on co.post_id = p.id
        left join (select post_id, count(*)::int as n from reposts group by 1) rp on rp.post_id = p.id
        left join (
          select quoted_n, count(*)::int as n from bench_seed.p
          where quoted_n is not null and deleted_at is null group by 1
        ) qu on qu.quoted_n = p.n
        -- oldest first, as an application fills it (and the same physical order every run)
        order by p.n desc;`,
    },
  ];
}

export function pollSteps(s: Sizes, t0: string): Step[] {
  const votes = `least(${s.crowd - 1}, 5000, floor(${s.votesPerPoll} * (power(1 - ${r('pl.n', 904)}, -0.5) - 1) + ${r('pl.n', 907)}))::int`;
  return [
    {
      name: 'map: polls; poll votes',
      sql: `create unlogged table bench_seed.poll as
        select p.n, bench_seed.uuid(p.n, 8) as id, p.id as post_id, p.created_at,
          p.created_at + interval '1 day' * (1 + floor(7 * ${r('p.n', 901)})) as expires_at,
          2 + floor(3 * ${r('p.n', 902)})::int as options,
          1 + floor(${POLL_OPTION_SETS.length} * ${r('p.n', 903)})::int as option_set
        from bench_seed.p p
        where p.deleted_at is null and ${r('p.n', 208)} < ${s.pollShare};
        analyze bench_seed.poll;
        insert into poll_votes (poll_id, user_id, option_id, created_at)
        select x.id, u.id,
          bench_seed.uuid(x.n::bigint * 8 + 1 + floor(x.options * ${r('x.key', 905)})::int, 9),
          x.created_at + (least(x.expires_at, ${t0}) - x.created_at) * ${r('x.key', 906)}
        from (
          select v.*, v.n::bigint * 1048576 + v.j as key,
            (v.n + v.j * ${stride(s.userPrimes, 'v.n + 5')}) % ${s.crowd} + 1 as user_n
          from (select pl.*, generate_series(0, ${votes} - 1) as j from bench_seed.poll pl) v
        ) x
        join bench_seed.u u on u.n = x.user_n;`,
    },
  ];
}

export function pollInsertSteps(): Step[] {
  const sets = `array[${POLL_OPTION_SETS.map((set) => `array[${set.map(lit).join(',')}]`).join(',')}]`;
  return [
    {
      name: 'polls and options, with their counters',
      sql: `insert into polls (id, post_id, expires_at, total_votes, created_at)
        select pl.id, pl.post_id, pl.expires_at, coalesce(v.n, 0), pl.created_at
        from bench_seed.poll pl
        left join (select poll_id, count(*)::int as n from poll_votes group by 1) v on v.poll_id = pl.id;
        insert into poll_options (id, poll_id, position, text, votes_count)
        select o.id, o.poll_id, o.position, o.text, coalesce(v.n, 0)
        from (
          select bench_seed.uuid(pl.n::bigint * 8 + k, 9) as id, pl.id as poll_id,
            (k - 1)::smallint as position, (${sets})[pl.option_set][k] as text
          from (select pl.*, generate_series(1, pl.options) as k from bench_seed.poll pl) pl
        ) o
        left join (select option_id, count(*)::int as n from poll_votes group by 1) v on v.option_id = o.id;`,
    },
  ];
}

export function mediaSteps(s: Sizes): Step[] {
  const sizes = `(array[[1200, 800], [1080, 1080], [800, 1200], [1920, 1080]])`;
  const base = 'https://cdn.example.test/storage/v1/object/public/post-media/';
  return [
    {
      name: 'media',
      sql: `insert into media (id, owner_id, post_id, position, bucket, path, url, content_type,
          size, width, height, created_at)
        select x.id, u.id, x.post_id, (x.k - 1)::smallint, 'post-media',
          'posts/' || u.id || '/' || x.id || '.webp',
          '${base}posts/' || u.id || '/' || x.id || '.webp', 'image/webp',
          40000 + floor(400000 * ${r('x.key', 1052)})::int,
          ${sizes}[x.shape][1], ${sizes}[x.shape][2], x.created_at - interval '2 minutes'
        from (
          select m.*, bench_seed.uuid(m.key, 10) as id,
            1 + floor(4 * ${r('m.key', 1051)})::int as shape
          from (
            select p.id as post_id, p.author_n, p.created_at, k, p.n::bigint * 4 + k as key
            from (
              select p.*, generate_series(1, 1 + (${r('p.n', 1050)} < 0.3)::int) as k
              from bench_seed.p p where ${r('p.n', 209)} < ${s.mediaShare}
            ) p
          ) m
        ) x
        join bench_seed.u u on u.n = x.author_n;`,
    },
  ];
}
