import type { Kysely } from 'kysely';
import { keyset } from '../../src/core/keyset.js';
import type { DB, Db } from '../../src/db/index.js';
import { followingFeedQuery } from '../../src/modules/feed/feed.repository.js';
import type { Fixture } from '../lib/common.js';
import type { Query } from './sql-load.js';

/**
 * What is measured. Each scenario is one GET with a viewer's token; its SQL is replayed through
 * a plain pg pool as well, to compare the API with the database alone. `raw: 'capture'` takes
 * the SQL the request really ran (see capture.ts); a function may build it instead, e.g.
 *   raw: ({ db, viewerId }) => [postRowsQuery(db, { viewerId, limit: 20 }).compile()]
 * once a repository exposes its query builder.
 */
export interface RawContext {
  db: Kysely<DB>;
  fixture: Fixture;
  viewerId: string;
}

export type Viewer = 'follower500' | 'withFilters' | 'mutedWords';

/** The fixed account each viewer is (bench/seed/people.ts FIXED). */
export const VIEWER_ACCOUNT = {
  follower500: 'follower500',
  withFilters: 'withFilters',
  mutedWords: 'followsNobody',
} as const satisfies Record<Viewer, string>;

export interface Scenario {
  id: string;
  title: string;
  path: string;
  viewer: Viewer;
  /** Held to the feed targets (p95, API ÷ raw SQL). */
  feed: boolean;
  /** Held to this p95 (ms) at the run's connections (the trader signals: 60). */
  p95Target?: number;
  raw: 'capture' | ((ctx: RawContext) => Promise<Query[]> | Query[]) | null;
}

export const FIRST_PAGE = 'feed-all';
export const DEEP_PAGE = 'feed-deep';

export function scenarios(fixture: Fixture, deepCursor: string): Scenario[] {
  const q = encodeURIComponent;
  return [
    {
      id: 'health',
      title: 'GET /health (framework floor: one `select 1`)',
      path: '/health',
      viewer: 'follower500',
      feed: false,
      raw: 'capture',
    },
    {
      id: FIRST_PAGE,
      title: 'feed, all posts, first page',
      path: '/feed?type=all',
      viewer: 'follower500',
      feed: true,
      raw: 'capture',
    },
    {
      id: 'feed-following',
      title: 'feed, following (viewer follows 500)',
      path: '/feed?type=following',
      viewer: 'follower500',
      feed: true,
      raw: 'capture',
    },
    {
      // design A beside design B in one run: the same page read by the read-time merge
      // (what answers when a timeline is not built); its API side is feed-following's
      id: 'feed-following-merge',
      title: 'feed, following, read-time merge of 500 followees (raw SQL of the fallback)',
      path: '/feed?type=following',
      viewer: 'follower500',
      feed: false,
      raw: ({ db, viewerId }) => {
        const q = followingFeedQuery(
          db as unknown as Db,
          viewerId,
          keyset({ limit: 20 }),
        ).compile();
        // as the API runs it: in a transaction with JIT off (feed.service.ts readTimeFeed)
        return [
          BEGIN,
          { sql: 'set local jit = off', parameters: [] },
          { sql: q.sql, parameters: [...q.parameters] },
          COMMIT,
        ];
      },
    },
    {
      id: DEEP_PAGE,
      title: 'feed, all posts, 10,000 posts deep',
      path: `/feed?type=all&cursor=${q(deepCursor)}`,
      viewer: 'follower500',
      feed: true,
      raw: 'capture',
    },
    {
      id: 'feed-filtered',
      title: `feed, all posts, viewer with ${fixture.users.withFilters.mutes} mutes and ${fixture.users.withFilters.blocks} blocks`,
      path: '/feed?type=all',
      viewer: 'withFilters',
      feed: false,
      raw: 'capture',
    },
    {
      id: 'feed-muted-words',
      title: `feed, all posts, viewer with ${fixture.users.followsNobody.mutedWords ?? 0} muted words (beside feed-all: none)`,
      path: '/feed?type=all',
      viewer: 'mutedWords',
      feed: false,
      raw: 'capture',
    },
    {
      id: 'ticker',
      title: `ticker stream, busiest ticker ($${fixture.busiestSymbol})`,
      path: `/tickers/${q(fixture.busiestSymbol)}/posts`,
      viewer: 'follower500',
      feed: false,
      raw: 'capture',
    },
    {
      id: 'search',
      title: `search, common prefix "${fixture.searchPrefix}"`,
      path: `/search?q=${q(fixture.searchPrefix)}`,
      viewer: 'follower500',
      feed: false,
      raw: 'capture',
    },
    // trader signals (issue 11): held to p95 < 60 ms (report.ts)
    ...signalScenarios(fixture),
  ];
}

export const SIGNALS_P95_MS = 60;

/** A common word: ~3 % of posts (29,513 of 1,000,000 at scale 1) hold "earnings". */
export const COMMON_WORD = 'earnings';
/**
 * A rare word: the seed's text comes from a small vocabulary, so its rare words are the
 * made-up ticker names, here written as a plain word (37 posts at scale 1 hold "aiut").
 */
export const RARE_WORD = 'aiut';

/** The scenarios of the trader signals, each held to the p95 < 60 ms target. */
export function signalScenarios(fixture: Fixture): Scenario[] {
  const busiest = encodeURIComponent(fixture.busiestSymbol);
  const search = (id: string, word: string, kind: string, sort: 'recent' | 'relevance') => ({
    id,
    title: `post search, ${kind} word "${word}", ${sort}`,
    path: `/search/posts?q=${word}&sort=${sort}`,
    viewer: 'follower500' as const,
    feed: false,
    p95Target: SIGNALS_P95_MS,
    raw: 'capture' as const,
  });
  return [
    search('search-common-recent', COMMON_WORD, 'common', 'recent'),
    search('search-common-relevance', COMMON_WORD, 'common', 'relevance'),
    search('search-rare-recent', RARE_WORD, 'rare', 'recent'),
    search('search-rare-relevance', RARE_WORD, 'rare', 'relevance'),
    {
      id: 'sentiment-hourly',
      title: `sentiment of $${fixture.busiestSymbol}, 7 days hourly (168 buckets)`,
      path: `/tickers/${busiest}/sentiment?interval=1h`,
      viewer: 'follower500',
      feed: false,
      p95Target: SIGNALS_P95_MS,
      raw: 'capture',
    },
    {
      id: 'sentiment-daily',
      title: `sentiment of $${fixture.busiestSymbol}, 90 days daily`,
      path: `/tickers/${busiest}/sentiment?interval=1d`,
      viewer: 'follower500',
      feed: false,
      p95Target: SIGNALS_P95_MS,
      raw: 'capture',
    },
    {
      id: 'feed-watchlist',
      title: 'feed, watchlist (20 tickers, the three busiest among them)',
      path: '/feed?type=watchlist',
      viewer: 'follower500',
      feed: false,
      p95Target: SIGNALS_P95_MS,
      raw: 'capture',
    },
  ];
}

/**
 * The write paths (issue 16): each a POST whose every request differs (a like by another user,
 * a new post), measured through the API and beside it as the SQL the write comes down to, in
 * a transaction, with the same triggers. What they write is removed after the run
 * (bench/writes.ts).
 */
export interface WriteFixture {
  /** users who write (likes, follows), each with a token */
  writers: Array<{ id: string; token: string }>;
  /** an author with about 500 followers, and one with about 50,000 */
  author500: { id: string; token: string; followers: number };
  author50k: { id: string; token: string; followers: number };
  /** as many authors of 400-600 followers as there are clients */
  authors500: Array<{ id: string; token: string }>;
  /** fresh posts by as many authors, no likes yet: the first is the viral one */
  targets: string[];
  /** users to follow, not followed by the writers */
  followees: string[];
}

export interface WriteRequest {
  path: string;
  body?: string;
  token: string;
  sql: Query[];
}

export interface WriteScenario {
  id: string;
  title: string;
  /** the i-th request of the run (numbered as they go, whichever client sends it) */
  request(i: number): WriteRequest;
}

const BEGIN = { sql: 'begin', parameters: [] };
const COMMIT = { sql: 'commit', parameters: [] };

export function writeScenarios(fx: WriteFixture, connections: number): WriteScenario[] {
  const writer = (i: number) => fx.writers[i % fx.writers.length]!;
  const post = (author: { id: string; token: string }, label: string) => (i: number) => {
    const content = `bench write ${label} ${i}`;
    return {
      path: '/posts',
      body: JSON.stringify({ content }),
      token: author.token,
      sql: [
        BEGIN,
        {
          sql: 'insert into posts (author_id, content) values ($1, $2) returning id',
          parameters: [author.id, content],
        },
        COMMIT,
      ],
    };
  };
  // a like is a toggle: a writer's next request on the same post takes the like back, so a
  // few thousand writers keep any number of requests going, and every one moves the counter
  const like = (postId: string, i: number) => {
    const w = writer(i);
    return {
      path: `/posts/${postId}/reactions`,
      token: w.token,
      sql: [
        BEGIN,
        {
          sql: `with gone as (
              delete from reactions where user_id = $1 and post_id = $2 returning 1
            )
            insert into reactions (user_id, post_id)
            select $1, $2 where not exists (select 1 from gone)`,
          parameters: [w.id, postId],
        },
        COMMIT,
      ],
    };
  };
  return [
    {
      id: 'write-post-500',
      title: `create a post, author with ${fmt(fx.author500.followers)} followers`,
      request: post(fx.author500, '500'),
    },
    {
      // one author's posts at once all update that author's posts_count: the usual case is
      // different authors
      id: 'write-post-500-many',
      title: `create a post, ${fx.authors500.length} authors of 400-600 followers`,
      request: (i) => post(fx.authors500[i % fx.authors500.length]!, '500m')(i),
    },
    {
      id: 'write-post-50k',
      title: `create a post, author with ${fmt(fx.author50k.followers)} followers`,
      request: post(fx.author50k, '50k'),
    },
    {
      id: 'write-like-spread',
      title: `like: ${connections} clients, each on its own post`,
      // round robin over the posts: about one client on each at a time
      request: (i) => like(fx.targets[1 + (i % (fx.targets.length - 1))]!, i),
    },
    {
      id: 'write-like-viral',
      title: `like: ${connections} clients on ONE post`,
      request: (i) => like(fx.targets[0]!, i),
    },
    {
      id: 'write-follow',
      title: 'follow',
      request: (i) => {
        const w = writer(i);
        const followee = fx.followees[i % fx.followees.length]!;
        return {
          path: `/users/${followee}/follow`,
          token: w.token,
          sql: [
            BEGIN,
            {
              sql: 'insert into follows (follower_id, followee_id) values ($1, $2) on conflict do nothing',
              parameters: [w.id, followee],
            },
            COMMIT,
          ],
        };
      },
    },
  ];
}

const fmt = (n: number) => n.toLocaleString('en-US');
