import { invalid } from '../../lib/errors.js';
import { DEFAULT_RANGE_DAYS, MAX_RANGE_DAYS, type RangeQuery } from './metrics.schemas.js';

/** UTC calendar days as 'YYYY-MM-DD' strings, and the day range of a metrics request. */

const DAY_MS = 86_400_000;
/** Nothing happened on PageShare before this; it keeps a range in sensible years. */
const FIRST_DAY = '2000-01-01';

export interface DayRange {
  from: string;
  to: string;
  days: number;
}

export function todayUtc(now = new Date()): string {
  return now.toISOString().slice(0, 10);
}

export function addDays(day: string, n: number): string {
  return new Date(Date.parse(`${day}T00:00:00Z`) + n * DAY_MS).toISOString().slice(0, 10);
}

export function daysBetween(from: string, to: string): number {
  return Math.round((Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / DAY_MS);
}

/** A real calendar day (the schema checks the shape; this checks 2026-02-30 and the like). */
function isDay(value: string): boolean {
  const ms = Date.parse(`${value}T00:00:00Z`);
  return Number.isFinite(ms) && new Date(ms).toISOString().slice(0, 10) === value;
}

/**
 * `to` defaults to today and `from` to 29 days before `to` (30 days). Refused with 422: a day
 * that does not exist, `to` after today, `from` after `to`, more than 366 days.
 */
export function resolveRange(query: RangeQuery, today: string): DayRange {
  for (const field of ['from', 'to'] as const) {
    const value = query[field];
    if (value !== undefined && !isDay(value)) {
      throw invalid(field, 'must be a date YYYY-MM-DD');
    }
    if (value !== undefined && value < FIRST_DAY) {
      throw invalid(field, `must be ${FIRST_DAY} or later`);
    }
  }
  const to = query.to ?? today;
  if (to > today) throw invalid('to', `must not be after today (${today}, UTC)`);
  const from = query.from ?? addDays(to, -(DEFAULT_RANGE_DAYS - 1));
  if (from > to) throw invalid('from', 'must not be after to');
  const days = daysBetween(from, to) + 1;
  if (days > MAX_RANGE_DAYS) {
    throw invalid('from', `the range must be at most ${MAX_RANGE_DAYS} days (it is ${days})`);
  }
  return { from, to, days };
}
