import {
  FILTERS_USER_FOLLOWS,
  FOLLOW_EXP,
  FOLLOW_SHIFT,
  FOLLOWER_500,
  type Sizes,
} from './sizes.js';
import { lit, num, pick, type Step, stride, textArray } from './sql.js';
import type { Ticker } from './symbols.js';
import { BIOS, COUNTRIES, FIRST_NAMES, HANDLE_WORDS, LAST_NAMES } from './words.js';

/**
 * Users, tickers, follows, mutes and blocks, interests and watchlists. A user is a number:
 * 1..crowd are generated (1 posts the most and has the most followers), then the four fixed
 * accounts. bench_seed.u maps each number to its id once, so the big tables join to it
 * instead of hashing a UUID again for every row.
 */

export const FIXED = {
  follower500: { offset: 1, username: 'bench_follower_500', name: 'Bench Follower' },
  followsNobody: { offset: 2, username: 'bench_follows_nobody', name: 'Bench Loner' },
  withFilters: { offset: 3, username: 'bench_filters', name: 'Bench Filters' },
  admin: { offset: 4, username: 'bench_admin', name: 'Bench Admin' },
} as const;

/** Mutes the odd and blocks the even of the 80 busiest authors: the filters cost something. */
export const FILTERED_AUTHORS = 80;

const r = (key: string, salt: number) => `bench_seed.r(${key}, ${salt})`;

export function userMapSteps(s: Sizes, tickers: Ticker[]): Step[] {
  return [
    {
      name: 'map: users, tickers',
      sql: `create unlogged table bench_seed.u as
          select g as n, bench_seed.uuid(g, 1) as id from generate_series(1, ${s.users}) g;
        analyze bench_seed.u;
        create unlogged table bench_seed.tk as
          select t.rank::int as rank, t.symbol, t.name
          from unnest(${textArray(tickers.map((t) => t.symbol))}, ${textArray(tickers.map((t) => t.name))})
            with ordinality as t(symbol, name, rank);
        analyze bench_seed.tk;`,
    },
  ];
}

/** Users last: their counters count the loaded follows and posts. */
export function userSteps(s: Sizes, t0: string): Step[] {
  const countries = COUNTRIES.map(([country]) => country);
  const zones = COUNTRIES.map(([, zone]) => zone);
  const fixed = Object.values(FIXED)
    .map((f) => `(${s.crowd + f.offset}, ${lit(f.username)}, ${lit(f.name)}, ${f === FIXED.admin})`)
    .join(', ');
  const picture = 'https://cdn.example.test/storage/v1/object/public/profile-pictures/';
  return [
    {
      name: 'users, with their counters',
      sql: `insert into users (id, username, display_name, bio, profile_picture_url,
          profile_picture_path, country, timezone, is_admin, onboarded_at, last_active_at,
          created_at, updated_at, followers_count, following_count, posts_count)
        select g.*, g.created_at, coalesce(fe.n, 0), coalesce(fr.n, 0), coalesce(po.n, 0)
        from (
          select a.id,
            case when ${r('a.n', 107)} < 0.3 then initcap(h.handle) else h.handle end,
            initcap(a.first) || ' ' || initcap(a.last),
            case when ${r('a.n', 108)} < 0.6 then ${pick(BIOS, r('a.n', 109))} else '' end,
            case when ${r('a.n', 110)} < 0.7 then '${picture}' || a.id || '.webp' end,
            case when ${r('a.n', 110)} < 0.7 then a.id || '.webp' end,
            case when ${r('a.n', 111)} >= 0.1 then (${textArray(countries)})[a.c] end,
            (${textArray(zones)})[a.c], false, a.created_at,
            ${t0} - interval '1 minute' * floor(43200 * power(${r('a.n', 112)}, 2)),
            a.created_at
          from (
            select u.n, u.id, ${pick(FIRST_NAMES, r('u.n', 101))} as first,
              ${pick(LAST_NAMES, r('u.n', 102))} as last, ${r('u.n', 103)} as f,
              1 + floor(${r('u.n', 105)} * ${COUNTRIES.length})::int as c,
              (${t0} - interval '1 minute' * floor(1440 * (91 + 700 * ${r('u.n', 104)})))::timestamptz(3) as created_at
            from bench_seed.u u where u.n <= ${s.crowd}
          ) a
          cross join lateral (select case
            when a.f < 0.4 then a.first || '_' || a.last || a.n
            when a.f < 0.7 then a.first || a.n
            else a.last || '_' || ${pick(HANDLE_WORDS, r('a.n', 106))} || a.n end as handle) h
          union all
          select u.id, f.username, f.display_name, 'A fixed account of the benchmark.', null, null,
            'US', 'America/New_York', f.admin, ${t0} - interval '200 days', ${t0},
            ${t0} - interval '200 days'
          from (values ${fixed}) f(n, username, display_name, admin)
          join bench_seed.u u on u.n = f.n
        ) g (id, username, display_name, bio, profile_picture_url, profile_picture_path, country,
             timezone, is_admin, onboarded_at, last_active_at, created_at)
        left join (select followee_id, count(*)::int as n from follows group by 1) fe
          on fe.followee_id = g.id
        left join (select follower_id, count(*)::int as n from follows group by 1) fr
          on fr.follower_id = g.id
        left join (
          select author_id, count(*)::int as n from posts where deleted_at is null group by 1
        ) po on po.author_id = g.id
        order by g.created_at;`,
    },
  ];
}

/** Tickers last too: post_count is the number of live posts mentioning them. */
export function tickerSteps(t0: string): Step[] {
  return [
    {
      name: 'tickers, with their counters',
      sql: `insert into tickers (symbol, name, post_count, created_at)
        select t.symbol, t.name, coalesce(k.n, 0), ${t0} - interval '3 years' + t.rank * interval '1 hour'
        from bench_seed.tk t
        left join (
          select pt.symbol, count(*)::int as n
          from post_tickers pt join posts p on p.id = pt.post_id
          where p.deleted_at is null group by 1
        ) k on k.symbol = t.symbol
        order by t.rank;`,
    },
  ];
}

export function followSteps(s: Sizes, t0: string): Step[] {
  const me = (f: { offset: number }) =>
    `(select id from bench_seed.u where n = ${s.crowd + f.offset})`;
  // distinct accounts, skewed towards the busy ones: the first `count` of many skewed draws
  const chosen = (count: number, from: number, salt: number) => `(
      select k from (
        select ${from} + floor(${s.crowd - from + 1} * power(${r('j', salt)}, 2))::int as k, j
        from generate_series(1, ${count * 40}) j
      ) d group by k order by min(j) limit ${count})`;
  const shares = `array[${s.celebrityShares.join(',')}]::float8[]`;
  return [
    {
      // followers of account k: k + j*p mod crowd for j = 1..count, p a prime above the
      // crowd: no duplicates, never k itself
      name: 'follows',
      sql: `insert into follows (follower_id, followee_id, created_at)
        select fu.id, eu.id,
          ${t0} - interval '1 millisecond' * floor(7776000000 * ${r('x.k::bigint * 16777216 + x.j', 401)})
        from (
          select f.k, f.j, (f.k - 1 + f.j * ${stride(s.userPrimes, 'f.k')}) % ${s.crowd} + 1 as follower_n
          from (
            select k, generate_series(1, least(${s.crowd - 1},
              case when k <= 5 then floor((${shares})[k] * ${s.crowd})
              else floor(${num(s.followersA)} * power((k - 5 + ${FOLLOW_SHIFT})::float8, ${-FOLLOW_EXP})
                         + ${r('k', 402)}) end)::int) as j
            from generate_series(1, ${s.crowd}) k
          ) f
        ) x
        join bench_seed.u fu on fu.n = x.follower_n
        join bench_seed.u eu on eu.n = x.k;`,
    },
    {
      name: 'follows: the fixed accounts',
      sql: `insert into follows (follower_id, followee_id, created_at)
        select ${me(FIXED.follower500)}, u.id, ${t0} - interval '1 hour' * (1 + u.n % 1000)
        from ${chosen(FOLLOWER_500, 1, 410)} c join bench_seed.u u on u.n = c.k;
        insert into follows (follower_id, followee_id, created_at)
        select ${me(FIXED.withFilters)}, u.id, ${t0} - interval '1 hour' * (1 + u.n % 1000)
        from ${chosen(FILTERS_USER_FOLLOWS, FILTERED_AUTHORS + 1, 411)} c
        join bench_seed.u u on u.n = c.k;`,
    },
    {
      name: 'content filters (mutes, blocks)',
      sql: `insert into content_filters (user_id, target_id, type, created_at)
        select a.id, b.id, case when ${r('x.key', 1102)} < 0.7 then 'mute' else 'block' end,
          ${t0} - interval '1 millisecond' * floor(7776000000 * ${r('x.key', 1103)})
        from (
          select i, i::bigint * 64 + j as key,
            (i - 1 + j * ${stride(s.userPrimes, 'i + 7')}) % ${s.crowd} + 1 as target_n
          from (
            select i, generate_series(1, case when ${r('i', 1100)} < ${s.filterShare}
              then 1 + floor(5 * ${r('i', 1101)})::int else 0 end) as j
            from generate_series(1, ${s.crowd}) i
          ) g
        ) x
        join bench_seed.u a on a.n = x.i
        join bench_seed.u b on b.n = x.target_n;
        insert into content_filters (user_id, target_id, type, created_at)
        select ${me(FIXED.withFilters)}, u.id, case when k % 2 = 1 then 'mute' else 'block' end,
          ${t0} - interval '1 day' * k
        from generate_series(1, ${FILTERED_AUTHORS}) k join bench_seed.u u on u.n = k;`,
    },
    {
      // docs/rules.md: a block removes any follow between the two, both ways
      name: 'follows: removed by blocks',
      sql: `delete from follows f using (
          select user_id as a, target_id as b from content_filters where type = 'block'
          union all select target_id, user_id from content_filters where type = 'block'
        ) c
        where f.follower_id = c.a and f.followee_id = c.b;`,
    },
  ];
}

/** Ranks (1 = busiest) of the tickers on bench_follower_500's watchlist. */
export const WATCHED_RANKS = [
  1, 2, 3, 6, 10, 15, 25, 40, 60, 90, 130, 180, 250, 350, 500, 700, 1000, 1500, 2200, 2900,
];

export function interestSteps(s: Sizes, t0: string): Step[] {
  const lists = (table: string, share: number, most: number, salt: number) => ({
    name: table.replace('_', ' '),
    sql: `insert into ${table} (user_id, symbol, created_at)
      select u.id, t.symbol, ${t0} - interval '1 minute' * floor(129600 * ${r(`u.n::bigint * 16 + min(x.j)`, salt + 3)})
      from (
        select i, j, 1 + floor(${s.tickers} * power(${r('i::bigint * 16 + j', salt + 2)}, 3))::int as rank
        from (
          select i, generate_series(1, case when ${r('i', salt)} < ${share}
            then 1 + floor(${most} * ${r('i', salt + 1)})::int else 0 end) as j
          from generate_series(1, ${s.crowd}) i
        ) g
      ) x
      join bench_seed.tk t on t.rank = x.rank
      join bench_seed.u u on u.n = x.i
      group by u.id, u.n, t.symbol;`,
  });
  // bench_follower_500 watches 20 tickers: the three busiest and 17 others down the tail (the
  // watchlist feed's scenario)
  const watcher = `(select id from bench_seed.u where n = ${s.crowd + FIXED.follower500.offset})`;
  const watchlist = {
    name: 'watchlist of bench_follower_500',
    sql: `delete from watchlist_items where user_id = ${watcher};
      insert into watchlist_items (user_id, symbol, created_at)
      select ${watcher}, t.symbol, ${t0} - interval '1 day' * t.rank / 100
      from bench_seed.tk t where t.rank in (${WATCHED_RANKS.join(', ')});`,
  };
  const me = `(select id from bench_seed.u where n = ${s.crowd + FIXED.followsNobody.offset})`;
  return [
    lists('user_interests', 0.5, 5, 1200),
    lists('watchlist_items', 0.25, 10, 1300),
    watchlist,
    {
      // stored as the API stores them (muted-words.repository.ts upsertWord)
      name: `muted words: ${MUTED_WORDS.length} for ${FIXED.followsNobody.username}`,
      sql: `insert into muted_words (user_id, word, symbol, query, fragment, created_at)
        select ${me}, w.word, w.symbol,
          case when w.symbol is null and numnode(w.q) > 0 then w.q end,
          case when w.symbol is null and numnode(w.q) = 0 then lower(w.word) end,
          ${t0} - interval '1 day' * w.i
        from (
          select word, i, case when word ~ '^\\$[A-Z]' then substr(word, 2) end as symbol,
            phraseto_tsquery('simple', word) as q
          from unnest(${textArray(MUTED_WORDS)}) with ordinality as m(word, i)
        ) w;`,
    },
  ];
}

/**
 * The muted words of bench_follows_nobody: the most a user may hold (100). A few match seeded
 * posts (a closer, a plain post's word, an emoji, a busy ticker), so the feed of this viewer
 * also skips rows; the rest are the kind of words traders mute and the seed never writes.
 */
export const MUTED_WORDS = [
  'Not financial advice',
  'Fed',
  '🚀',
  '$TSLA',
  ...Array.from({ length: 96 }, (_, i) => `${HANDLE_WORDS[i % HANDLE_WORDS.length]} spam${i}`),
];
