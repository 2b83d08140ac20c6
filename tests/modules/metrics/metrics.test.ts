import { beforeAll, describe, expect, it } from 'vitest';
import {
  DAY_FIGURES,
  liveDays,
  liveToday,
} from '../../../src/modules/metrics/metrics.repository.js';
import { useTestApp } from '../../helpers/app.js';
import { getOk, insertPost } from '../../helpers/factories.js';
import {
  addComment,
  addPollVote,
  addSession,
  addUser,
  adminToken,
  at,
  day,
  earlyToday,
} from './metrics-helpers.js';

/**
 * A hand-made data set over the 10 days ending today (T), whose figures are worked out by
 * hand below. A, B onboard on T-9 (B a breath before midnight), C on T-8, D on T-2 (deleted
 * on T-1), E today. A's session from T-8 23:50 to T-7 00:10 spans midnight.
 */
const EXPECTED = [
  // offset, dau, wau, mau, new, total, posts, comments, reactions, reposts, bookmarks, votes, creators
  [-9, 2, 2, 2, 2, 2, 1, 0, 1, 0, 0, 0, 1],
  [-8, 2, 3, 3, 1, 3, 1, 1, 0, 1, 0, 0, 1],
  [-7, 1, 3, 3, 0, 3, 0, 0, 0, 0, 0, 0, 0],
  [-6, 0, 3, 3, 0, 3, 0, 0, 0, 0, 0, 0, 0],
  [-5, 0, 3, 3, 0, 3, 1, 0, 0, 0, 0, 0, 0],
  [-4, 0, 3, 3, 0, 3, 0, 0, 0, 0, 0, 0, 0],
  [-3, 0, 3, 3, 0, 3, 0, 0, 0, 0, 0, 0, 0],
  [-2, 2, 3, 4, 1, 4, 0, 0, 0, 0, 1, 0, 0],
  [-1, 2, 4, 4, 0, 3, 0, 0, 0, 0, 0, 1, 0],
  [0, 2, 5, 5, 1, 4, 1, 0, 1, 0, 0, 0, 1],
] as const;
// the series' figures in their order (EXPECTED's value columns follow it)
const COLUMNS = DAY_FIGURES;

function expectedRows() {
  return EXPECTED.map(([offset, ...values]) => ({
    date: day(offset),
    partial: offset === 0,
    ...(Object.fromEntries(COLUMNS.map((column, i) => [column, values[i]])) as Record<
      (typeof COLUMNS)[number],
      number
    >),
  }));
}

type Row = Record<string, unknown> & { date: string };

describe('investor metrics on a hand-made data set', () => {
  const t = useTestApp();
  let admin: string;

  beforeAll(async () => {
    admin = await adminToken(t);
    const a = await addUser(t, at(day(-9), '10:00'));
    const b = await addUser(t, at(day(-9), '23:59:59.500'));
    const c = await addUser(t, at(day(-8), '12:00'));
    const d = await addUser(t, at(day(-2), '09:00'), at(day(-1), '12:00'));
    const e = await addUser(t, earlyToday(1));

    await addSession(t, a, at(day(-9), '10:00'), at(day(-9), '10:20'));
    await addSession(t, a, at(day(-8), '23:50'), at(day(-7), '00:10'));
    await addSession(t, a, at(day(-2), '12:00'), at(day(-2), '12:05'));
    await addSession(t, a, earlyToday(2), earlyToday(3));
    await addSession(t, b, at(day(-9), '23:59:59.600'), at(day(-9), '23:59:59.900'));
    await addSession(t, b, at(day(-1), '14:00'), at(day(-1), '14:30'));
    await addSession(t, c, at(day(-8), '13:00'), at(day(-8), '13:30'));
    await addSession(t, c, at(day(-1), '08:00'), at(day(-1), '08:10'));
    await addSession(t, d, at(day(-2), '10:00'), at(day(-2), '10:30'));
    await addSession(t, e, earlyToday(2), earlyToday(4));

    const p1 = await insertPost(t, a, { createdAt: at(day(-9), '11:00') });
    await insertPost(t, a, { createdAt: at(day(-9), '12:00'), deleted: true });
    const p3 = await insertPost(t, c, { createdAt: at(day(-8), '14:00') });
    const p4 = await insertPost(t, b, { createdAt: at(day(-5), '10:00') });
    await insertPost(t, e, { createdAt: earlyToday(3) });
    await addComment(t, p1.id, c, at(day(-8), '13:10'));
    await addComment(t, p1.id, c, at(day(-8), '13:15'), true);
    await t.db
      .insertInto('reactions')
      .values([
        { user_id: b, post_id: p1.id, created_at: at(day(-9), '23:59:59.700') },
        { user_id: e, post_id: p3.id, created_at: earlyToday(3) },
      ])
      .execute();
    await t.db
      .insertInto('reposts')
      .values({ user_id: c, post_id: p1.id, created_at: at(day(-8), '13:20') })
      .execute();
    await t.db
      .insertInto('bookmarks')
      .values({ user_id: a, post_id: p3.id, created_at: at(day(-2), '12:01') })
      .execute();
    await addPollVote(t, p4.id, c, at(day(-1), '08:05'));
  });

  // biome-ignore lint/suspicious/noExplicitAny: the tests read many answer shapes
  const get = (url: string) => getOk<any>(t, url, admin);
  const range = `from=${day(-9)}&to=${day(0)}`;
  const exportRows = async () => (await get(`/metrics/export?format=json&${range}`)) as Row[];

  it('computes every day live before the views were refreshed', async () => {
    const body = await get(`/metrics/users?${range}`);
    expect(body.range).toEqual({ from: day(-9), to: day(0), days: 10 });
    expect(body.refreshed_at).toBeNull();
    expect(body.live_from).toBe(day(-9));
    const users = expectedRows().map((r) => ({
      date: r.date,
      partial: r.partial,
      dau: r.dau,
      wau: r.wau,
      mau: r.mau,
      new_users: r.new_users,
      total_users: r.total_users,
    }));
    expect(body.series.map(({ stickiness: _, ...r }: Row) => r)).toEqual(users);
    expect(await exportRows()).toEqual(expectedRows().map(({ creators: _, ...row }) => row));
    const engagement = await get(`/metrics/engagement?${range}`);
    expect(engagement.series.map((r: Row) => r.creators)).toEqual(EXPECTED.map((r) => r[12]));
    expect(body.series.at(-1)).toMatchObject({ dau: 2, wau: 5, mau: 5, stickiness: 0.4 });
    // computed live too: the days before the first day are nulls, not zeros
    const earlier = await get(`/metrics/users?from=${day(-11)}&to=${day(-9)}`);
    expect(earlier.live_from).toBe(day(-11));
    expect(earlier.series.map((r: Row) => r.dau)).toEqual([null, null, 2]);
    expect(earlier.series.map((r: Row) => r.total_users)).toEqual([null, null, 2]);
    expect(body.summary).toEqual({
      date: day(0),
      dau: 2,
      wau: 5,
      mau: 5,
      stickiness: 0.4,
      new_users: 5,
      total_users: 4,
    });
  });

  it('answers today from last_active_at as the sessions would', async () => {
    const [fromSessions] = await liveDays(t.db, day(0), day(0));
    expect(await liveToday(t.db, day(0))).toEqual(fromSessions);
  });

  it('reads earlier days from the views after a refresh, and today live', async () => {
    const before = await exportRows();
    const refreshed = await t.request({ method: 'POST', url: '/metrics/refresh', token: admin });
    expect(refreshed.statusCode).toBe(200);
    const body = await get(`/metrics/users?${range}`);
    expect(body.live_from).toBe(day(0));
    expect(Date.parse(body.refreshed_at)).toBeGreaterThan(Date.now() - 60_000);
    expect(await exportRows()).toEqual(before);

    // a post written into a past day after the refresh: that day comes from the view, so it
    // does not move until the next refresh; today is live, so it moves at once
    const [user] = await t.db.selectFrom('users').select('id').limit(1).execute();
    await insertPost(t, user!.id, { createdAt: at(day(-3), '10:00') });
    await insertPost(t, user!.id, { createdAt: earlyToday(5) });
    const after = await exportRows();
    expect(after.find((r) => r.date === day(-3))?.posts).toBe(0);
    expect(after.find((r) => r.date === day(0))?.posts).toBe(2);
    await t.request({ method: 'POST', url: '/metrics/refresh', token: admin });
    const again = await exportRows();
    expect(again.find((r) => r.date === day(-3))?.posts).toBe(1);
  });

  it('gives daily retention cohorts and their averages', async () => {
    const body = await get(`/metrics/users?${range}`);
    const cohorts = new Map(body.retention.daily.map((r: Row) => [r.cohort, r]));
    expect(body.retention.daily).toHaveLength(10);
    expect(cohorts.get(day(-9))).toEqual({
      cohort: day(-9),
      partial: false,
      size: 2,
      d1: { active: 1, share: 0.5, partial: false },
      d7: { active: 1, share: 0.5, partial: false },
      d30: null,
    });
    expect(cohorts.get(day(-8))).toEqual({
      cohort: day(-8),
      partial: false,
      size: 1,
      d1: { active: 0, share: 0, partial: false },
      d7: { active: 1, share: 1, partial: false },
      d30: null,
    });
    // D1 of yesterday's cohort is today: shown, marked partial, and left out of the average
    expect(cohorts.get(day(-1))).toMatchObject({ d1: { partial: true } });
    // a day nobody onboarded: 0 of 0, no share
    expect(cohorts.get(day(-7))).toMatchObject({ size: 0, d1: { active: 0, share: null } });
    expect(cohorts.get(day(-2))).toMatchObject({ size: 1, d1: { active: 0, share: 0 }, d7: null });
    expect(cohorts.get(day(0))).toMatchObject({
      partial: true,
      size: 1,
      d1: null,
      d7: null,
      d30: null,
    });
    expect(body.retention.average).toEqual({ d1: 0.25, d7: 0.6667, d30: null });
    // the current week of each cohort is still going on
    for (const row of body.retention.weekly) {
      expect(row.weeks.at(-1).partial).toBe(true);
      expect(row.weeks.slice(0, -1).every((w: { partial: boolean }) => !w.partial)).toBe(true);
    }
  });

  it('gives engagement per day, per active user, and the creators', async () => {
    const body = await get(`/metrics/engagement?${range}`);
    const first = body.series[0];
    expect(first).toEqual({
      date: day(-9),
      partial: false,
      dau: 2,
      posts: 1,
      comments: 0,
      reactions: 1,
      reposts: 0,
      bookmarks: 0,
      poll_votes: 0,
      creators: 1,
      creators_share: 0.5,
      per_active_user: {
        posts: 0.5,
        comments: 0,
        reactions: 0.5,
        reposts: 0,
        bookmarks: 0,
        poll_votes: 0,
      },
    });
    // B posted on T-5 without being active that day: a post, but no creator
    const quiet = body.series.find((r: Row) => r.date === day(-5));
    expect(quiet).toMatchObject({ posts: 1, creators: 0, dau: 0, creators_share: null });
    expect(quiet.per_active_user.posts).toBeNull();
    expect(body.totals).toMatchObject({
      posts: 6, // the four of the data set and the two written after the first refresh
      comments: 1,
      reactions: 2,
      reposts: 1,
      bookmarks: 1,
      poll_votes: 1,
      active_user_days: 11,
    });
  });

  it('gives growth with week-over-week and month-over-month changes', async () => {
    const body = await get(`/metrics/growth?${range}`);
    expect(body.series).toHaveLength(10);
    expect(body.series[0]).toEqual({
      date: day(-9),
      partial: false,
      new_users: 2,
      total_users: 2,
      dau: 2,
    });
    expect(body.week_over_week).toEqual({
      period_days: 7,
      new_users: { current: 2, previous: 3, change_pct: -33.3 },
      active_users: { current: 5, previous: 3, change_pct: 66.7 },
    });
    expect(body.month_over_month).toEqual({
      period_days: 30,
      new_users: { current: 5, previous: 0, change_pct: null },
      active_users: { current: 5, previous: 0, change_pct: null },
    });
  });

  it('sums everything up in the dashboard', async () => {
    const body = await get(`/metrics/dashboard?${range}`);
    expect(body.range).toEqual({ from: day(-9), to: day(0), days: 10 });
    expect(body.users).toMatchObject({ dau: 2, wau: 5, mau: 5, new_users: 5, total_users: 4 });
    expect(body.users.retention).toEqual({ d1: 0.25, d7: 0.6667, d30: null });
    expect(body.engagement.poll_votes).toBe(1);
    expect(body.growth.week_over_week.new_users.change_pct).toBe(-33.3);
    expect(body.health.database.reachable).toBe(true);
    expect(body.trending.posts.items.length).toBeGreaterThan(0);
    expect(body.trending.tickers).toEqual(expect.any(Array));
  });

  it('defaults to the 30 days ending today', async () => {
    const body = await get('/metrics/growth');
    expect(body.range).toEqual({ from: day(-29), to: day(0), days: 30 });
    expect(body.series).toHaveLength(30);
    expect(body.series.at(-1)).toMatchObject({ date: day(0), partial: true });
  });

  it('sends null for the days before the first day, zeros for quiet days after it', async () => {
    const from = day(-14);
    // the views were refreshed by now: these days come from them (the live path: first test)
    expect((await get(`/metrics/users?from=${from}&to=${day(0)}`)).live_from).toBe(day(0));
    const before = { dau: null, wau: null, mau: null, new_users: null, total_users: null };
    {
      const users = await get(`/metrics/users?from=${from}&to=${day(0)}`);
      const early = users.series.filter((r: Row) => r.date < day(-9));
      expect(early).toHaveLength(5);
      for (const r of early) {
        expect(r).toEqual({ date: r.date, partial: false, stickiness: null, ...before });
      }
      // a quiet day after the first day is a true zero
      expect(users.series.find((r: Row) => r.date === day(-6))).toMatchObject({ dau: 0 });
      expect(users.retention.daily[0]).toEqual({
        cohort: from,
        partial: false,
        size: null,
        d1: null,
        d7: null,
        d30: null,
      });
      expect(users.summary.new_users).toBe(5);

      const engagement = await get(`/metrics/engagement?from=${from}&to=${day(-10)}`);
      expect(engagement.series[0]).toMatchObject({
        dau: null,
        posts: null,
        creators: null,
        creators_share: null,
        per_active_user: { posts: null },
      });
      expect(engagement.totals).toMatchObject({ posts: 0, active_user_days: 0 });
      expect(
        (await get(`/metrics/engagement?from=${day(-6)}&to=${day(-6)}`)).series[0],
      ).toMatchObject({ dau: 0, posts: 0, creators: 0 });
      // a range with no data at all: the summary says so with nulls
      const empty = await get(`/metrics/users?from=${from}&to=${day(-10)}`);
      expect(empty.summary).toMatchObject({ dau: null, new_users: null, total_users: null });

      // the export: empty cells in the CSV, nulls in the JSON, the partial day marked
      const json = (await get(
        `/metrics/export?format=json&from=${day(-10)}&to=${day(0)}`,
      )) as Row[];
      expect(json[0]).toMatchObject({ date: day(-10), dau: null, posts: null, partial: false });
      expect(json.at(-1)).toMatchObject({ date: day(0), partial: true });
      const csv = await t.request({
        method: 'GET',
        url: `/metrics/export?format=csv&from=${day(-10)}&to=${day(-9)}`,
        token: admin,
      });
      expect(csv.body.split('\r\n').slice(1, 3)).toEqual([
        `${day(-10)},,,,,,,,,,,,false`,
        `${day(-9)},2,2,2,2,2,1,0,1,0,0,0,false`,
      ]);
    }
  });
});
