import type pg from 'pg';
import { MATERIALIZED_VIEWS } from '../../src/modules/metrics/views.repository.js';
import { type Fixture, fmtSeconds } from '../lib/common.js';
import { FIXED, MUTED_WORDS } from './people.js';
import { FILTERS_USER_BLOCKS, FILTERS_USER_MUTES, FOLLOWER_500 } from './sizes.js';
import type { Log } from './sql.js';
import { SEARCH_PREFIX } from './words.js';

const TABLES = [
  'users',
  'posts',
  'tickers',
  'post_tickers',
  'follows',
  'reactions',
  'comments',
  'reposts',
  'bookmarks',
  'polls',
  'poll_options',
  'poll_votes',
  'content_filters',
  'media',
  'user_interests',
  'watchlist_items',
];

/** The materialized views were made empty by the migration; fill them as the scheduler would. */
export async function refreshViews(client: pg.Client, log: Log): Promise<void> {
  for (const view of MATERIALIZED_VIEWS) {
    const started = performance.now();
    await client.query(`refresh materialized view ${view}`);
    const ms = Math.round(performance.now() - started);
    await client.query(
      `insert into view_refreshes (view_name, refreshed_at, duration_ms) values ($1, now(), $2)
       on conflict (view_name) do update set refreshed_at = excluded.refreshed_at,
         duration_ms = excluded.duration_ms`,
      [view, ms],
    );
    log(
      `  [a] ${`refresh ${view}`.padEnd(44, '.')} ${''.padStart(16)} ${fmtSeconds(ms).padStart(8)}`,
    );
  }
}

type Facts = Omit<Fixture, 'seededAt' | 'anchor' | 'database' | 'scale' | 'seedSeconds'>;

/** What the run script needs to know, read back from the database (and checked). */
export async function fixtureFacts(client: pg.Client): Promise<Facts> {
  const counts = await client.query<{ table: string; n: number }>(
    TABLES.map((t) => `select '${t}' as table, count(*)::int as n from ${t}`).join(' union all '),
  );
  const counted = new Map(counts.rows.map((r) => [r.table, r.n]));
  const rows = Object.fromEntries(TABLES.map((t) => [t, counted.get(t) ?? 0]));

  const users = await client.query<{
    id: string;
    username: string;
    following_count: number;
    mutes: number;
    blocks: number;
    muted_words: number;
  }>(
    `select u.id, u.username, u.following_count,
       (select count(*)::int from content_filters c where c.user_id = u.id and c.type = 'mute') as mutes,
       (select count(*)::int from content_filters c where c.user_id = u.id and c.type = 'block') as blocks,
       (select count(*)::int from muted_words w where w.user_id = u.id) as muted_words
     from users u where u.username = any($1)`,
    [Object.values(FIXED).map((f) => f.username)],
  );
  const byName = new Map(users.rows.map((u) => [u.username, u]));
  const get = (username: string) => {
    const user = byName.get(username);
    if (!user) throw new Error(`the fixed account ${username} is missing`);
    return user;
  };
  const follower = get(FIXED.follower500.username);
  const loner = get(FIXED.followsNobody.username);
  const filters = get(FIXED.withFilters.username);
  const admin = get(FIXED.admin.username);
  if (follower.following_count !== FOLLOWER_500) {
    throw new Error(
      `${follower.username} follows ${follower.following_count}, not ${FOLLOWER_500}`,
    );
  }
  if (loner.following_count !== 0) throw new Error(`${loner.username} follows someone`);
  if (loner.muted_words !== MUTED_WORDS.length) {
    throw new Error(`${loner.username} has ${loner.muted_words} muted words`);
  }
  if (filters.mutes !== FILTERS_USER_MUTES || filters.blocks !== FILTERS_USER_BLOCKS) {
    throw new Error(`${filters.username} has ${filters.mutes} mutes and ${filters.blocks} blocks`);
  }

  const hot = await client.query<{ symbol: string; posts: number }>(
    'select symbol, post_count as posts from tickers order by post_count desc, symbol limit 5',
  );
  const viral = await client.query<{ id: string; reactions: number }>(
    `select id, reactions_count as reactions from posts where deleted_at is null
     order by reactions_count desc, id limit 1`,
  );
  const pick = (u: { id: string; username: string }) => ({ id: u.id, username: u.username });
  return {
    rows,
    users: {
      follower500: pick(follower),
      followsNobody: { ...pick(loner), mutedWords: loner.muted_words },
      withFilters: { ...pick(filters), mutes: filters.mutes, blocks: filters.blocks },
      admin: pick(admin),
    },
    busiestSymbol: hot.rows[0]!.symbol,
    hotSymbols: hot.rows,
    searchPrefix: SEARCH_PREFIX,
    viralPost: viral.rows[0]!,
  };
}
