import { positiveNumber } from '../lib/common.js';

/**
 * How big the data set is, and the constants of its distributions. Everything the SQL needs is
 * a number computed here, so one scale gives one data set, row for row.
 */
export interface Sizes {
  scale: number;
  users: number;
  /** Users 1..crowd are generated; the four fixed accounts come after them. */
  crowd: number;
  posts: number;
  days: number;
  tickers: number;
  mentions: number;
  follows: number;
  reactions: number;
  /** Of the reactions, those on comments (the rest are on posts). */
  commentReactions: number;
  /** Reactions of the one viral post. */
  viralReactions: number;
  comments: number;
  reposts: number;
  bookmarks: number;
  /** Share of posts that are quotes, have a poll, have media; share of users with filters. */
  quoteShare: number;
  pollShare: number;
  votesPerPoll: number;
  mediaShare: number;
  filterShare: number;
  /** Followers of the five most followed accounts, as shares of the crowd. */
  celebrityShares: number[];
  /** Zipf constants: count(rank) = A * (rank + SHIFT)^-EXP, stochastically rounded. */
  followersA: number;
  reactionsA: number;
  commentsA: number;
  repostsA: number;
  bookmarksA: number;
  /** Primes above the crowd: a stride that visits every user once, without repeats. */
  userPrimes: number[];
  /** The post that ranks first in popularity: about three days old. */
  viralPost: number;
}

export const FOLLOW_EXP = 1.0;
export const FOLLOW_SHIFT = 10;
export const POST_EXP = 0.9;
export const POST_SHIFT = 20;
/** Posts of an author: author = 1 + floor(crowd * r^AUTHOR_SKEW) (heavy-tailed). */
export const AUTHOR_SKEW = 2.2;
export const FOLLOWER_500 = 500;
export const FILTERS_USER_FOLLOWS = 200;
export const FILTERS_USER_MUTES = 40;
export const FILTERS_USER_BLOCKS = 40;
export const FIXED_ACCOUNTS = 4;

export interface SizeFlags {
  scale?: string;
  users?: string;
  posts?: string;
  tickers?: string;
  mentions?: string;
  follows?: string;
  reactions?: string;
  comments?: string;
  reposts?: string;
  bookmarks?: string;
}

export function computeSizes(flags: SizeFlags): Sizes {
  const scale = positiveNumber(flags.scale, 'BENCH_SCALE', 1, '--scale');
  const size = (flag: string | undefined, env: string, full: number, min: number, label: string) =>
    Math.max(min, Math.round(positiveNumber(flag, env, full * scale, label)));

  const users = size(flags.users, 'BENCH_USERS', 100_000, 200, '--users');
  const posts = size(flags.posts, 'BENCH_POSTS', 1_000_000, 1_000, '--posts');
  const tickers = size(flags.tickers, 'BENCH_TICKERS', 3_000, 100, '--tickers');
  const mentions = size(flags.mentions, 'BENCH_MENTIONS', 420_000, 100, '--mentions');
  const follows = size(flags.follows, 'BENCH_FOLLOWS', 2_000_000, 1_000, '--follows');
  const reactions = size(flags.reactions, 'BENCH_REACTIONS', 5_000_000, 1_000, '--reactions');
  const comments = size(flags.comments, 'BENCH_COMMENTS', 500_000, 100, '--comments');
  const reposts = size(flags.reposts, 'BENCH_REPOSTS', 300_000, 100, '--reposts');
  const bookmarks = size(flags.bookmarks, 'BENCH_BOOKMARKS', 200_000, 100, '--bookmarks');

  const crowd = users - FIXED_ACCOUNTS;
  const celebrityShares = [0.6, 0.55, 0.5, 0.45, 0.4];
  const celebrities = celebrityShares.reduce((sum, share) => sum + Math.floor(share * crowd), 0);
  const fixedFollows = FOLLOWER_500 + FILTERS_USER_FOLLOWS;
  const tail = follows - celebrities - fixedFollows;
  if (tail < crowd) {
    throw new Error(
      `--follows ${follows} is too few for ${users} users (the five most followed accounts alone take ${celebrities})`,
    );
  }
  if (mentions > posts * 1.5) throw new Error('--mentions must be at most 1.5 per post');
  if (users < FOLLOWER_500 * 2) throw new Error(`--users must be at least ${FOLLOWER_500 * 2}`);

  const commentReactions = Math.round(reactions * 0.08);
  const viralReactions = Math.min(crowd - 1, Math.round(reactions * 0.007));
  const postRank = zipfSum(POST_EXP, POST_SHIFT, 2, posts);
  const perRank = (total: number) => total / (zipfSum(POST_EXP, POST_SHIFT, 1, posts) || 1);

  return {
    scale,
    users,
    crowd,
    posts,
    days: 90,
    tickers,
    mentions,
    follows,
    reactions,
    commentReactions,
    viralReactions,
    comments,
    reposts,
    bookmarks,
    quoteShare: 0.03,
    pollShare: 0.01,
    votesPerPoll: 10,
    mediaShare: 0.05,
    filterShare: 0.05,
    celebrityShares,
    // the five celebrities are ranks 1-5; the Zipf tail starts at rank 6
    followersA: tail / zipfSum(FOLLOW_EXP, FOLLOW_SHIFT, 1, crowd - 5),
    reactionsA: (reactions - commentReactions - viralReactions) / postRank,
    commentsA: perRank(comments),
    repostsA: perRank(reposts),
    bookmarksA: perRank(bookmarks),
    userPrimes: stridePrimes(crowd, 32),
    viralPost: Math.max(2, Math.round(posts * (3 / 90))),
  };
}

/** sum of (k + shift)^-exp for k in from..to */
export function zipfSum(exp: number, shift: number, from: number, to: number): number {
  let sum = 0;
  for (let k = from; k <= to; k++) sum += (k + shift) ** -exp;
  return sum;
}

/**
 * Primes between n and 2n, spread out: any prime above n is coprime with n, so
 * (offset + j * p) mod n visits n different users for j = 0..n-1; spreading the residues
 * p mod n keeps the lists of different posts or accounts from looking alike.
 */
export function stridePrimes(n: number, count: number): number[] {
  const found: number[] = [];
  for (let i = 0; i < count; i++) {
    let candidate = n + 1 + Math.floor((n * (i + 0.5)) / count);
    while (!isPrime(candidate) || found.includes(candidate)) candidate++;
    found.push(candidate);
  }
  return found;
}

function isPrime(n: number): boolean {
  if (n < 2) return false;
  if (n % 2 === 0) return n === 2;
  for (let d = 3; d * d <= n; d += 2) if (n % d === 0) return false;
  return true;
}
