import { describe, expect, it } from 'vitest';
import { buildApp } from '../../../src/app.js';
import { openDatabase } from '../../../src/db/index.js';
import { mintToken } from '../../../src/lib/tokens.js';
import { testConfig, useTestApp } from '../../helpers/app.js';
import { TEST_JWT_SECRET } from '../../helpers/env.js';
import { createUser, insertPost } from '../../helpers/factories.js';
import { addComment, addSession, addUser, adminToken, at } from './metrics-helpers.js';

const HOUR_MS = 3_600_000;

describe('GET /metrics/health', () => {
  const t = useTestApp();

  it('counts the errors of the last 24 h, unresolved errors and open reports', async () => {
    const admin = await adminToken(t);
    const reporter = await createUser(t);
    const ago = (hours: number) => new Date(Date.now() - hours * HOUR_MS);
    await t.db
      .insertInto('error_logs')
      .values([
        { level: 'error', source: 'frontend', message: 'a', created_at: ago(1) },
        { level: 'error', source: 'frontend', message: 'b', created_at: ago(23) },
        { level: 'warning', source: 'backend', message: 'c', created_at: ago(2), resolved: true },
        { level: 'fatal', source: 'mobile', message: 'd', created_at: ago(30) },
      ])
      .execute();
    await t.db
      .insertInto('reports')
      .values([
        { reporter_id: reporter.id, target_type: 'user', target_id: reporter.id, reason: 'spam' },
        {
          reporter_id: reporter.id,
          target_type: 'user',
          target_id: reporter.id,
          reason: 'other',
          status: 'resolved',
        },
      ])
      .execute();
    await t.request({ method: 'POST', url: '/metrics/refresh', token: admin });

    const res = await t.request({ method: 'GET', url: '/metrics/health', token: admin });
    expect(res.statusCode).toBe(200);
    const body = res.json();
    expect(Date.parse(body.window.to) - Date.parse(body.window.from)).toBe(24 * HOUR_MS);
    expect(body.database.reachable).toBe(true);
    expect(body.database.round_trip_ms).toBeGreaterThanOrEqual(0);
    expect(body.errors_24h).toEqual({
      total: 3,
      by_level: { fatal: 0, error: 2, warning: 1, info: 0 },
      by_source: { backend: 1, frontend: 2, mobile: 0 },
      by_level_and_source: [
        { level: 'error', source: 'frontend', count: 2 },
        { level: 'warning', source: 'backend', count: 1 },
      ],
    });
    expect(body.unresolved_errors).toBe(3);
    expect(body.open_reports).toBe(1);
    expect(body.views.map((v: { name: string }) => v.name)).toEqual([
      'trending_tickers',
      'daily_metrics',
      'engagement_metrics',
    ]);
    for (const view of body.views) {
      expect(Date.parse(view.refreshed_at)).toBeGreaterThan(Date.now() - 60_000);
      expect(view.duration_ms).toBeGreaterThanOrEqual(0);
    }
  });
});

describe('GET /metrics/health with the database down', () => {
  it('says so, with a 200, to an admin who needs no database to be let in', async () => {
    // nothing listens on port 9: every query fails
    const database = await openDatabase({
      databaseUrl: 'postgres://postgres@127.0.0.1:9/none',
      pgliteDataDir: '',
    });
    const config = testConfig();
    const app = await buildApp({ config, database });
    try {
      const token = await mintToken({
        userId: '6f1c0a1e-0000-4000-8000-0000000000aa',
        secret: TEST_JWT_SECRET,
        audience: config.jwtAudience,
        admin: true,
      });
      const res = await app.inject({
        method: 'GET',
        url: '/metrics/health',
        headers: { authorization: `Bearer ${token}` },
      });
      expect(res.statusCode).toBe(200);
      expect(res.json()).toMatchObject({
        database: { reachable: false, round_trip_ms: null },
        errors_24h: null,
        unresolved_errors: null,
        open_reports: null,
      });
    } finally {
      await app.close();
      await database.close();
    }
  });
});

describe('GET /metrics/trending', () => {
  const t = useTestApp();

  it('ranks the posts of the last 24 h by reactions + 2 × comments + 3 × reposts', async () => {
    const admin = await adminToken(t);
    const author = await createUser(t);
    const fans = await Promise.all(
      Array.from({ length: 10 }, () => addUser(t, new Date(Date.now() - 48 * HOUR_MS))),
    );
    const recent = new Date(Date.now() - HOUR_MS);
    const mixed = await insertPost(t, author.id, { createdAt: recent, tickers: ['HOTT'] });
    const liked = await insertPost(t, author.id, { createdAt: recent, tickers: ['HOTT', 'COLD'] });
    const talked = await insertPost(t, author.id, { createdAt: recent });
    const old = await insertPost(t, author.id, { createdAt: new Date(Date.now() - 25 * HOUR_MS) });
    const gone = await insertPost(t, author.id, { createdAt: recent, deleted: true });
    const like = (postId: string, users: string[]) =>
      t.db
        .insertInto('reactions')
        .values(users.map((user_id) => ({ user_id, post_id: postId })))
        .execute();
    await like(mixed.id, fans.slice(0, 1));
    await addComment(t, mixed.id, fans[0]!, recent);
    await t.db.insertInto('reposts').values({ user_id: fans[1]!, post_id: mixed.id }).execute();
    await like(liked.id, fans.slice(0, 5));
    await addComment(t, talked.id, fans[0]!, recent);
    await addComment(t, talked.id, fans[1]!, recent);
    await addComment(t, talked.id, fans[2]!, recent, true); // deleted: not counted
    await like(old.id, fans);
    await like(gone.id, fans);
    await t.request({ method: 'POST', url: '/metrics/refresh', token: admin });

    const res = await t.request({
      method: 'GET',
      url: '/metrics/trending?window=24h&limit=3',
      token: admin,
    });
    expect(res.statusCode).toBe(200);
    const body = res.json();
    expect(body.window).toBe('24h');
    expect(Date.parse(body.refreshed_at)).toBeGreaterThan(Date.now() - 60_000);
    expect(body.tickers).toEqual([
      { symbol: 'HOTT', mentions: 2, rank: 1 },
      { symbol: 'COLD', mentions: 1, rank: 2 },
    ]);
    expect(body.posts.items.map((p: { id: string; score: number }) => [p.id, p.score])).toEqual([
      [mixed.id, 6],
      [liked.id, 5],
      [talked.id, 4],
    ]);
    expect(body.posts.items[0]).toMatchObject({
      reactions: 1,
      comments: 1,
      reposts: 1,
      author: { id: author.id, username: author.username },
    });
  });
});

describe('weekly retention cohorts', () => {
  const t = useTestApp();

  it('gives cohort week × weeks since, Monday to Sunday (UTC)', async () => {
    const admin = await adminToken(t);
    // 2025-01-06 is a Monday. X and Y onboard in its week (Y on the Sunday night), Z the next
    const x = await addUser(t, at('2025-01-06', '09:00'));
    const y = await addUser(t, at('2025-01-12', '23:30'));
    const z = await addUser(t, at('2025-01-13', '00:10'));
    await addSession(t, x, at('2025-01-14', '10:00'), at('2025-01-14', '10:30'));
    await addSession(t, y, at('2025-01-19', '23:50'), at('2025-01-20', '00:20'));
    await addSession(t, y, at('2025-01-27', '10:00'), at('2025-01-27', '10:01'));
    await addSession(t, z, at('2025-01-13', '00:15'), at('2025-01-13', '00:45'));
    await addSession(t, z, at('2025-01-21', '12:00'), at('2025-01-21', '12:10'));

    const res = await t.request({
      method: 'GET',
      url: '/metrics/users?from=2025-01-08&to=2025-01-14',
      token: admin,
    });
    expect(res.statusCode).toBe(200);
    const weekly = res.json().retention.weekly as {
      cohort_week: string;
      size: number;
      weeks: { weeks_since: number; active: number; share: number | null }[];
    }[];
    const actives = (row: (typeof weekly)[number]) => row.weeks.map((w) => w.active);
    expect(weekly.map((w) => [w.cohort_week, w.size])).toEqual([
      ['2025-01-06', 2],
      ['2025-01-13', 1],
    ]);
    // weeks 0-12 (long past): X and Y in week 1, Y again in week 2 (its session spans
    // Sunday midnight) and week 3; Z in weeks 0 and 1
    expect(actives(weekly[0]!)).toEqual([0, 2, 1, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0]);
    expect(weekly[0]!.weeks[1]).toEqual({ weeks_since: 1, active: 2, share: 1, partial: false });
    expect(weekly[0]!.weeks[2]).toEqual({
      weeks_since: 2,
      active: 1,
      share: 0.5,
      partial: false,
    });
    expect(actives(weekly[1]!)).toEqual([1, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]);

    // 14 cohort weeks in the range: the table keeps the latest 13, so X and Y's week goes
    const long = await t.request({
      method: 'GET',
      url: '/metrics/users?from=2025-01-06&to=2025-04-07',
      token: admin,
    });
    const rows = long.json().retention.weekly as { cohort_week: string; size: number }[];
    expect(rows.map((w) => [w.cohort_week, w.size])).toEqual([['2025-01-13', 1]]);
    expect(long.json().retention.daily).toHaveLength(92);
  });
});
