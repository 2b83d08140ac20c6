import type { Static } from 'typebox';
import type { Db } from '../../db/index.js';
import {
  DAY_FIGURES,
  type DailyCohortRow,
  type DayRow,
  dailyCohorts,
  liveDays,
  liveToday,
  viewCoverage,
  viewDays,
  weeklyCohorts,
} from './metrics.repository.js';
import {
  ENGAGEMENT_KINDS,
  type EngagementDay,
  type EngagementKind,
  type EngagementMetrics,
  type EngagementTotals,
  type GrowthMetrics,
  type RetentionAverages,
  type UsersMetrics,
} from './metrics.schemas.js';
import { addDays, type DayRange } from './range.js';
import { setLocalJitOff } from './views.repository.js';

/** The investor metrics of docs/metrics.md, from the daily series and the retention cohorts. */

/** A day of the series; `partial` for today, whose figures are still coming in. */
export type SeriesDay = DayRow & { partial: boolean };

export interface Series {
  rows: SeriesDay[];
  refreshed_at: string | null;
  live_from: string | null;
}

/** A day without data: every figure null (docs/metrics.md "Days without data"). */
const noData = (date: string): DayRow =>
  ({ date, ...Object.fromEntries(DAY_FIGURES.map((k) => [k, null])) }) as DayRow;

/**
 * Days [from, to]: those the views hold come from them, the rest (today at least) are
 * computed live; days before the first day of the service are nulls, not zeros. At most four
 * statements, whatever the range.
 */
export async function loadSeries(db: Db, from: string, to: string, today: string): Promise<Series> {
  const coverage = await viewCoverage(db);
  const lastViewDay = coverage.through !== null && coverage.through < to ? coverage.through : to;
  const liveFrom =
    coverage.through === null ? from : [from, addDays(coverage.through, 1)].sort()[1]!;
  const fromViews = coverage.through !== null && from <= lastViewDay;
  // days after the last refresh but before today (the refresh is late): from the sessions
  const lastPastDay = to < today ? to : addDays(today, -1);
  const [viewed, live, current] = await Promise.all([
    fromViews ? viewDays(db, from, lastViewDay) : [],
    liveFrom <= lastPastDay ? runWithoutJit(db, (trx) => liveDays(trx, liveFrom, lastPastDay)) : [],
    to === today && liveFrom <= today
      ? runWithoutJit(db, async (trx) => [await liveToday(trx, today)])
      : [],
  ]);
  const firstDay = coverage.firstDay;
  return {
    rows: [...viewed, ...live, ...current].map((row) => ({
      ...(firstDay === null || row.date < firstDay ? noData(row.date) : row),
      partial: row.date === today,
    })),
    refreshed_at: coverage.refreshedAt?.toISOString() ?? null,
    live_from: liveFrom <= to ? liveFrom : null,
  };
}

/** Runs a live query in a transaction with JIT off (why: views.repository.ts setLocalJitOff). */
function runWithoutJit<T>(db: Db, query: (trx: Db) => Promise<T>): Promise<T> {
  return db.transaction().execute(async (trx) => {
    await setLocalJitOff(trx);
    return query(trx);
  });
}

const round = (value: number) => Math.round(value * 10_000) / 10_000;
/** a / b to 4 decimals; null when b is 0 or either is null (no data). */
export const ratio = (a: number | null, b: number | null) =>
  a !== null && b !== null && b > 0 ? round(a / b) : null;
/** The sum of the days with data (a day without data adds nothing). */
const total = (rows: DayRow[], pick: (r: DayRow) => number | null) =>
  rows.reduce((sum, r) => sum + (pick(r) ?? 0), 0);
const changePct = (current: number, previous: number) =>
  previous > 0 ? Math.round(((current - previous) / previous) * 1_000) / 10 : null;

const KINDS = ENGAGEMENT_KINDS;

function perActiveUser(counts: Record<EngagementKind, number | null>, active: number | null) {
  return Object.fromEntries(KINDS.map((k) => [k, ratio(counts[k], active)])) as Record<
    EngagementKind,
    number | null
  >;
}

const covered = (range: DayRange, series: Series) => ({
  range,
  refreshed_at: series.refreshed_at,
  live_from: series.live_from,
});

function usersSummary(range: DayRange, rows: DayRow[]) {
  const last = rows.at(-1)!;
  return {
    date: range.to,
    dau: last.dau,
    wau: last.wau,
    mau: last.mau,
    stickiness: ratio(last.dau, last.mau),
    // null when no day of the range has data
    new_users: rows.some((r) => r.new_users !== null) ? total(rows, (r) => r.new_users) : null,
    total_users: last.total_users,
  };
}

type Retained = { active: number; share: number | null; partial: boolean } | null;

/** A cohort's share for day c + n, or null until that day has come (partial: it is today). */
function retained(row: DailyCohortRow, n: 1 | 7 | 30, today: string): Retained {
  const due = addDays(row.cohort, n);
  if (due > today) return null;
  const active = row[`d${n}`];
  return { active, share: ratio(active, row.size), partial: due === today };
}

function retentionAverages(
  rows: DailyCohortRow[],
  today: string,
): Static<typeof RetentionAverages> {
  // complete days only: a cohort whose day c + n is today would pull the average down
  const average = (n: 1 | 7 | 30) => {
    const due = rows.filter((row) => addDays(row.cohort, n) < today);
    return ratio(
      due.reduce((sum, row) => sum + row[`d${n}`], 0),
      due.reduce((sum, row) => sum + row.size, 0),
    );
  };
  return { d1: average(1), d7: average(7), d30: average(30) };
}

export async function usersMetrics(
  db: Db,
  range: DayRange,
  today: string,
): Promise<Static<typeof UsersMetrics>> {
  const [series, daily, weekly] = await Promise.all([
    loadSeries(db, range.from, range.to, today),
    runWithoutJit(db, (trx) => dailyCohorts(trx, range.from, range.to)),
    runWithoutJit(db, (trx) => weeklyCohorts(trx, range.from, range.to, today)),
  ]);
  const byDay = new Map(daily.map((row) => [row.cohort, row]));
  const weeks = new Map<string, Static<typeof UsersMetrics>['retention']['weekly'][number]>();
  for (const cell of weekly) {
    const row = weeks.get(cell.cohort_week) ?? {
      cohort_week: cell.cohort_week,
      size: cell.size,
      weeks: [],
    };
    row.weeks.push({
      weeks_since: cell.weeks_since,
      active: cell.active,
      share: ratio(cell.active, cell.size),
      // the week that holds today is still going on
      partial: addDays(cell.cohort_week, 7 * cell.weeks_since + 6) >= today,
    });
    weeks.set(cell.cohort_week, row);
  }
  return {
    ...covered(range, series),
    summary: usersSummary(range, series.rows),
    series: series.rows.map((r) => ({
      date: r.date,
      partial: r.partial,
      dau: r.dau,
      wau: r.wau,
      mau: r.mau,
      stickiness: ratio(r.dau, r.mau),
      new_users: r.new_users,
      total_users: r.total_users,
    })),
    retention: {
      average: retentionAverages(daily, today),
      // every day of the range, so that a day nobody onboarded shows as a cohort of 0; a day
      // without data (before the first day of the service) is no cohort at all (size null)
      daily: series.rows.map(({ date, dau }) => {
        const partial = date === today;
        if (dau === null && !byDay.has(date)) {
          return { cohort: date, partial, size: null, d1: null, d7: null, d30: null };
        }
        const row = byDay.get(date) ?? { cohort: date, size: 0, d1: 0, d7: 0, d30: 0 };
        return {
          cohort: date,
          partial,
          size: row.size,
          d1: retained(row, 1, today),
          d7: retained(row, 7, today),
          d30: retained(row, 30, today),
        };
      }),
      weekly: [...weeks.values()],
    },
  };
}

function engagementDay(r: SeriesDay): Static<typeof EngagementDay> {
  return {
    date: r.date,
    partial: r.partial,
    dau: r.dau,
    posts: r.posts,
    comments: r.comments,
    reactions: r.reactions,
    reposts: r.reposts,
    bookmarks: r.bookmarks,
    poll_votes: r.poll_votes,
    creators: r.creators,
    creators_share: ratio(r.creators, r.dau),
    per_active_user: perActiveUser(r, r.dau),
  };
}

function engagementTotals(rows: DayRow[]): Static<typeof EngagementTotals> {
  const sum = (pick: (r: DayRow) => number | null) => total(rows, pick);
  const counts = Object.fromEntries(KINDS.map((k) => [k, sum((r) => r[k])])) as Record<
    EngagementKind,
    number
  >;
  const activeUserDays = sum((r) => r.dau);
  return {
    ...counts,
    active_user_days: activeUserDays,
    per_active_user: perActiveUser(counts, activeUserDays),
    creators_share: ratio(
      sum((r) => r.creators),
      activeUserDays,
    ),
  };
}

export async function engagementMetrics(
  db: Db,
  range: DayRange,
  today: string,
): Promise<Static<typeof EngagementMetrics>> {
  const series = await loadSeries(db, range.from, range.to, today);
  return {
    ...covered(range, series),
    totals: engagementTotals(series.rows),
    series: series.rows.map(engagementDay),
  };
}

/** Week-over-week and month-over-month, for the periods ending with the range's last day. */
function comparisons(rows: DayRow[], to: string) {
  const byDay = new Map(rows.map((r) => [r.date, r]));
  const newUsers = (first: string, last: string) =>
    total(
      rows.filter((r) => r.date >= first && r.date <= last),
      (r) => r.new_users,
    );
  const compare = (days: 7 | 30, active: 'wau' | 'mau') => {
    const current = newUsers(addDays(to, 1 - days), to);
    const previous = newUsers(addDays(to, 1 - 2 * days), addDays(to, -days));
    const activeNow = byDay.get(to)?.[active] ?? 0;
    const activeBefore = byDay.get(addDays(to, -days))?.[active] ?? 0;
    return {
      period_days: days,
      new_users: { current, previous, change_pct: changePct(current, previous) },
      active_users: {
        current: activeNow,
        previous: activeBefore,
        change_pct: changePct(activeNow, activeBefore),
      },
    };
  };
  return {
    week_over_week: compare(7, 'wau') as ReturnType<typeof compare> & { period_days: 7 },
    month_over_month: compare(30, 'mau') as ReturnType<typeof compare> & { period_days: 30 },
  };
}

/** The range, and the days before it that the comparisons need (60 days up to `to`). */
async function seriesWithHistory(db: Db, range: DayRange, today: string) {
  const first = [range.from, addDays(range.to, -59)].sort()[0]!;
  const series = await loadSeries(db, first, range.to, today);
  const rows = series.rows.filter((r) => r.date >= range.from);
  return { series: { ...series, rows }, comparisons: comparisons(series.rows, range.to) };
}

export async function growthMetrics(
  db: Db,
  range: DayRange,
  today: string,
): Promise<Static<typeof GrowthMetrics>> {
  const { series, comparisons: compared } = await seriesWithHistory(db, range, today);
  return {
    ...covered(range, series),
    series: series.rows.map((r) => ({
      date: r.date,
      partial: r.partial,
      new_users: r.new_users,
      total_users: r.total_users,
      dau: r.dau,
    })),
    ...compared,
  };
}

/** The summary of the dashboard: no per-day series and no weekly cohorts. */
export async function summaryMetrics(db: Db, range: DayRange, today: string) {
  const [{ series, comparisons: compared }, daily] = await Promise.all([
    seriesWithHistory(db, range, today),
    runWithoutJit(db, (trx) => dailyCohorts(trx, range.from, range.to)),
  ]);
  return {
    ...covered(range, series),
    users: { ...usersSummary(range, series.rows), retention: retentionAverages(daily, today) },
    engagement: engagementTotals(series.rows),
    growth: compared,
  };
}

export async function exportRows(db: Db, range: DayRange, today: string) {
  const series = await loadSeries(db, range.from, range.to, today);
  return {
    ...series,
    rows: series.rows.map(({ creators: _creators, ...row }) => row),
  };
}
