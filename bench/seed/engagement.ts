import { POST_EXP, POST_SHIFT, type Sizes } from './sizes.js';
import { num, pick, type Step, stride } from './sql.js';
import { COMMENTS } from './words.js';

/**
 * Comments, reactions, reposts and bookmarks. A post's count of each follows a Zipf law of its
 * popularity rank (noise around it, stochastically rounded so the totals come out right); the
 * users behind them are k + j*p mod crowd for j = 0..count-1 (p a prime above the crowd), so
 * no user reacts twice to one post and no unique constraint is needed while loading.
 */

const r = (key: string, salt: number) => `bench_seed.r(${key}, ${salt})`;

/** How many of a thing post p gets, by its rank; `noisy` spreads it over 0.5-1.5 of the law. */
const byRank = (a: number, salt: number, cap: number, noisy = true) =>
  `least(${cap}, floor(${num(a)} * power((p.rank + ${POST_SHIFT})::float8, ${-POST_EXP})` +
  `${noisy ? ` * (0.5 + ${r('p.n', salt)})` : ''} + ${r('p.n', salt + 1)}))::int`;

/** From the post's time to now (or its deletion), early ones more likely: skew > 1. */
const after = (from: string, until: string, key: string, salt: number, skew: number) =>
  `${from} + (${until} - ${from}) * power(${r(key, salt)}, ${skew})`;

export function commentSteps(s: Sizes, t0: string): Step[] {
  return [
    {
      // comments of a post get later with j, so a reply (to an earlier j) follows its parent
      name: 'map: comments',
      sql: `create unlogged table bench_seed.c as
        select x.key, bench_seed.uuid(x.key, 5) as id, x.post_id, x.author_n, x.created_at,
          case when ${r('x.key', 505)} < 0.02
            then least(${t0}, x.created_at + interval '1 minute' * floor(1440 * ${r('x.key', 506)}))::timestamptz(3)
          end as deleted_at,
          case when x.j > 1 and ${r('x.key', 503)} < 0.3
            then x.post_n::bigint * 65536 + 1 + floor((x.j - 1) * ${r('x.key', 504)})::int end as parent_key
        from (
          select g.post_n, g.post_id, g.j, g.key,
            1 + floor(${s.crowd} * power(${r('g.key', 501)}, 1.5))::int as author_n,
            (g.created_at + (coalesce(g.deleted_at, ${t0}) - g.created_at)
              * power((g.j - 1 + ${r('g.key', 502)}) / g.cnt, 3))::timestamptz(3) as created_at
          from (
            select c.*, c.post_n::bigint * 65536 + c.j as key
            from (
              select p.n as post_n, p.id as post_id, p.created_at, p.deleted_at, p.cnt,
                generate_series(1, p.cnt) as j
              from (select p.*, ${byRank(s.commentsA, 508, 60000, false)} as cnt from bench_seed.p p) p
            ) c
          ) g
        ) x;
        analyze bench_seed.c;`,
    },
    {
      // Lomax (Pareto II, alpha 2): most comments get no like, a few get many
      name: 'reactions on comments',
      sql: `insert into reactions (id, user_id, comment_id, created_at)
        select bench_seed.uuid(x.key, 11), u.id, x.comment_id,
          ${after('x.created_at', `coalesce(x.deleted_at, ${t0})`, 'x.key', 652, 3)}
        from (
          select g.*, (g.author_n + g.j * ${stride(s.userPrimes, 'g.ckey')}) % ${s.crowd} + 1 as user_n,
            g.ckey * 8192 + g.j as key
          from (
            select c.id as comment_id, c.key as ckey, c.author_n, c.created_at, c.deleted_at,
              generate_series(0, least(${s.crowd - 1}, 5000,
                floor(${num(s.commentReactions / s.comments)} * (power(1 - ${r('c.key', 650)}, -0.5) - 1)
                      + ${r('c.key', 651)}))::int - 1) as j
            from bench_seed.c c
          ) g
        ) x
        join bench_seed.u u on u.n = x.user_n;`,
    },
  ];
}

/** Comments after their reactions: reactions_count and replies_count (live replies). */
export function commentInsertSteps(): Step[] {
  return [
    {
      name: 'comments, with their counters',
      sql: `insert into comments (id, post_id, parent_id, author_id, content, reactions_count,
          replies_count, created_at, updated_at, deleted_at)
        select c.id, c.post_id,
          case when c.parent_key is not null then bench_seed.uuid(c.parent_key, 5) end,
          u.id, ${pick(COMMENTS, r('c.key', 507))},
          coalesce(k.n, 0), coalesce(rp.n, 0), c.created_at,
          coalesce(c.deleted_at, c.created_at), c.deleted_at
        from bench_seed.c c
        join bench_seed.u u on u.n = c.author_n
        left join (
          select comment_id, count(*)::int as n from reactions
          where comment_id is not null group by 1
        ) k on k.comment_id = c.id
        left join (
          select parent_key, count(*)::int as n from bench_seed.c
          where parent_key is not null and deleted_at is null group by 1
        ) rp on rp.parent_key = c.key
        order by c.created_at;`,
    },
  ];
}

/** Reactions on posts, in two halves (odd and even posts) that two connections load at once. */
export function reactionSteps(s: Sizes, t0: string, half: 0 | 1): Step[] {
  const count = `case when p.rank = 1 then ${s.viralReactions} else ${byRank(s.reactionsA, 602, s.crowd - 1)} end`;
  return [
    {
      name: `reactions on posts (${half ? 'odd' : 'even'} posts)`,
      sql: `insert into reactions (id, user_id, post_id, created_at)
        select bench_seed.uuid(x.key, 6), u.id, x.post_id,
          ${after('x.created_at', `coalesce(x.deleted_at, ${t0})`, 'x.key', 601, 3)}
        from (
          select g.*, g.n::bigint * 16777216 + g.j as key,
            (g.n + g.j * ${stride(s.userPrimes, 'g.n')}) % ${s.crowd} + 1 as user_n
          from (
            select p.n, p.id as post_id, p.created_at, p.deleted_at,
              generate_series(0, ${count} - 1) as j
            from bench_seed.p p where p.n % 2 = ${half}
          ) g
        ) x
        join bench_seed.u u on u.n = x.user_n;`,
    },
  ];
}

export function repostAndBookmarkSteps(s: Sizes, t0: string): Step[] {
  const me = `(select id from bench_seed.u where n = ${s.crowd + 1})`;
  // users k*mul + add + j*p mod crowd: another list of users than the reactions'
  const perPost = (a: number, salt: number, mul: number, add: number, strideKey: string) => `(
    select g.*, g.n::bigint * 16777216 + g.j as key,
      (g.n * ${mul} + ${add} + g.j * ${stride(s.userPrimes, strideKey)}) % ${s.crowd} + 1 as user_n
    from (
      select p.n, p.id as post_id, p.created_at, p.deleted_at,
        generate_series(0, ${byRank(a, salt, s.crowd - 1)} - 1) as j
      from bench_seed.p p
    ) g
  ) x`;
  return [
    {
      name: 'reposts',
      sql: `insert into reposts (id, user_id, post_id, created_at)
        select bench_seed.uuid(x.key, 7), u.id, x.post_id,
          ${after('x.created_at', `coalesce(x.deleted_at, ${t0})`, 'x.key', 701, 2)}
        from ${perPost(s.repostsA, 702, 7, 3, 'g.n + 11')}
        join bench_seed.u u on u.n = x.user_n;`,
    },
    {
      name: 'bookmarks',
      sql: `insert into bookmarks (user_id, post_id, created_at)
        select u.id, x.post_id,
          ${after('x.created_at', `coalesce(x.deleted_at, ${t0})`, 'x.key', 801, 2)}
        from ${perPost(s.bookmarksA, 802, 13, 5, 'g.n + 19')}
        join bench_seed.u u on u.n = x.user_n;
        insert into bookmarks (user_id, post_id, created_at)
        select ${me}, p.id, ${after('p.created_at', t0, 'p.n', 811, 1)}
        from (
          select n from (
            select 1 + floor(${s.posts} * power(${r('j', 810)}, 2))::int as n, j
            from generate_series(1, 1000) j
          ) d group by n order by min(j) limit 100
        ) b
        join bench_seed.p p on p.n = b.n
        where p.deleted_at is null;`,
    },
  ];
}
