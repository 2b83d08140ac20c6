import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { migrations } from '../../src/db/migrations/index.js';
import { migrateToLatest, migrationStatus, rollback } from '../../src/db/migrator.js';
import { createTestDatabase, type TestDatabase } from '../helpers/database.js';

const TABLES = [
  'users',
  'posts',
  'comments',
  'tickers',
  'post_tickers',
  'reactions',
  'reposts',
  'follows',
  'bookmarks',
  'polls',
  'poll_votes',
  'content_filters',
  'reports',
  'user_interests',
  'watchlist_items',
  'error_logs',
  'user_sessions',
  'poll_options',
  'media',
  'view_refreshes',
  'notifications',
  'post_edits',
  'muted_words',
  'audit_log',
  'ticker_sentiment',
  'ticker_sentiment_authors',
  'home_timeline',
  'home_timeline_state',
  'timeline_pull_authors',
  'timeline_outbox',
  'post_counter_deltas',
  'user_counter_deltas',
];
const MATERIALIZED = ['daily_metrics', 'engagement_metrics', 'trending_tickers'];

describe('migrations', () => {
  let t: TestDatabase;
  beforeAll(async () => {
    t = await createTestDatabase();
  });
  afterAll(async () => t?.close());

  async function tables() {
    const { rows } = await sql<{ name: string }>`
      select table_name as name from information_schema.tables
      where table_schema = 'public' and table_type = 'BASE TABLE' and table_name not like 'kysely_%'
      order by 1`.execute(t.database.db);
    return rows.map((r) => r.name);
  }
  async function materializedViews() {
    const { rows } = await sql<{ name: string }>`
      select matviewname as name from pg_matviews where schemaname = 'public' order by 1`.execute(
      t.database.db,
    );
    return rows.map((r) => r.name);
  }

  it('creates every table, view and materialized view', async () => {
    expect(await tables()).toEqual([...TABLES].sort());
    expect(await materializedViews()).toEqual(MATERIALIZED);
    const status = await migrationStatus(t.database.db);
    expect(status.map((m) => m.name)).toEqual(Object.keys(migrations));
    expect(status.every((m) => m.executedAt !== null)).toBe(true);
  });

  it('goes all the way down and up again', async () => {
    const reverted = await rollback(t.database.db, true);
    expect(reverted).toEqual(Object.keys(migrations).reverse());
    expect(await tables()).toEqual([]);
    expect(await materializedViews()).toEqual([]);
    const applied = await migrateToLatest(t.database.db);
    expect(applied).toEqual(Object.keys(migrations));
    expect(await tables()).toEqual([...TABLES].sort());
  });

  it('reverts one migration at a time', async () => {
    const last = Object.keys(migrations).at(-1);
    expect(await rollback(t.database.db)).toEqual([last]);
    expect(await migrateToLatest(t.database.db)).toEqual([last]);
  });

  it('adds and removes the search indexes (0006)', async () => {
    const searchIndexes = async () => {
      const { rows } = await sql<{ name: string }>`
        select indexname as name from pg_indexes
        where indexname like '%\_prefix' or indexname like '%\_trgm\_gist' order by 1`.execute(
        t.database.db,
      );
      return rows.map((r) => r.name);
    };
    expect(await searchIndexes()).toHaveLength(8);
    const names = Object.keys(migrations);
    const after = names.slice(names.indexOf('0006_social') + 1).length;
    for (let i = 0; i <= after; i++) await rollback(t.database.db);
    expect(await searchIndexes()).toEqual([]);
    await migrateToLatest(t.database.db);
    expect(await searchIndexes()).toHaveLength(8);
  });

  it('drops the unused GIN trigram indexes of 0001, and brings them back on the way down (0011)', async () => {
    const ginIndexes = async () => {
      const { rows } = await sql<{ name: string }>`
        select indexname as name from pg_indexes
        where indexdef like '%USING gin%gin_trgm_ops%' order by 1`.execute(t.database.db);
      return rows.map((r) => r.name);
    };
    expect(await ginIndexes()).toEqual([]);
    const names = Object.keys(migrations);
    const after = names.slice(names.indexOf('0011_drop_gin_trigram')).length;
    for (let i = 0; i < after; i++) await rollback(t.database.db);
    expect(await ginIndexes()).toEqual([
      'tickers_name_trgm',
      'tickers_symbol_trgm',
      'users_display_name_trgm',
      'users_username_trgm',
    ]);
    await migrateToLatest(t.database.db);
    expect(await ginIndexes()).toEqual([]);
  });

  it('adds and removes the blocked-by index of the following feed (0007)', async () => {
    const blockedBy = async () => {
      const { rows } = await sql<{ name: string }>`
        select indexname as name from pg_indexes
        where indexname = 'content_filters_blocked_by'`.execute(t.database.db);
      return rows.map((r) => r.name);
    };
    expect(await blockedBy()).toEqual(['content_filters_blocked_by']);
    const names = Object.keys(migrations);
    const after = names.slice(names.indexOf('0007_feed') + 1).length;
    for (let i = 0; i <= after; i++) await rollback(t.database.db);
    expect(await blockedBy()).toEqual([]);
    await migrateToLatest(t.database.db);
    expect(await blockedBy()).toEqual(['content_filters_blocked_by']);
  });

  it('gives each materialized view the unique index REFRESH CONCURRENTLY needs', async () => {
    for (const view of MATERIALIZED) {
      await sql`refresh materialized view concurrently ${sql.table(view)}`.execute(t.database.db);
    }
    const { rows } = await sql<{ tablename: string }>`
      select tablename from pg_indexes
      where tablename in ('daily_metrics', 'engagement_metrics', 'trending_tickers')
        and indexdef like 'CREATE UNIQUE INDEX%'
      order by 1`.execute(t.database.db);
    expect(rows.map((r) => r.tablename)).toEqual(MATERIALIZED);
  });
});
