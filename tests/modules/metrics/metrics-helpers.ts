import { randomUUID } from 'node:crypto';
import { sql } from 'kysely';
import type { TestApp } from '../../helpers/app.js';
import { createAccount, uniqueUsername } from '../../helpers/factories.js';

/** Hand-made data for the metrics tests: days relative to today (UTC), or fixed days. */

const DAY_MS = 86_400_000;

export function today(): string {
  return new Date().toISOString().slice(0, 10);
}

/** The UTC day `offset` days from today, as YYYY-MM-DD. */
export function day(offset: number): string {
  return new Date(Date.parse(`${today()}T00:00:00Z`) + offset * DAY_MS).toISOString().slice(0, 10);
}

/** A moment of a day: at('2025-01-06', '23:59:59') or at(day(-3), '10:00'). */
export function at(date: string, time: string): Date {
  return new Date(`${date}T${time.length === 5 ? `${time}:00` : time}Z`);
}

/** A moment of today that has already passed (never in the future, whatever the hour). */
export function earlyToday(seconds = 1): Date {
  return new Date(Math.min(Date.now() - 1, Date.parse(`${today()}T00:00:00Z`) + seconds * 1000));
}

export async function adminToken(t: TestApp): Promise<string> {
  // an admin by token claim has no profile, so their own requests are no activity
  const account = await createAccount(t);
  return t.token(account.id, { admin: true });
}

export async function addUser(
  t: TestApp,
  onboardedAt: Date,
  deletedAt: Date | null = null,
): Promise<string> {
  const id = randomUUID();
  const username = uniqueUsername('m');
  await t.db
    .insertInto('users')
    .values({
      id,
      username,
      display_name: username,
      timezone: 'UTC',
      onboarded_at: onboardedAt,
      created_at: onboardedAt,
      deleted_at: deletedAt,
    })
    .execute();
  return id;
}

/** A session, and users.last_active_at moved as recordActivity moves it. */
export async function addSession(t: TestApp, userId: string, start: Date, end: Date) {
  await t.db
    .insertInto('user_sessions')
    .values({ user_id: userId, started_at: start, last_seen_at: end, request_count: 3 })
    .execute();
  await t.db
    .updateTable('users')
    .set({ last_active_at: sql`greatest(last_active_at, ${end}::timestamptz)` })
    .where('id', '=', userId)
    .execute();
}

export async function addComment(
  t: TestApp,
  postId: string,
  authorId: string,
  createdAt: Date,
  deleted = false,
) {
  await t.db
    .insertInto('comments')
    .values({
      post_id: postId,
      author_id: authorId,
      content: 'a comment',
      created_at: createdAt,
      deleted_at: deleted ? createdAt : null,
    })
    .execute();
}

export async function addPollVote(t: TestApp, postId: string, voterId: string, createdAt: Date) {
  const poll = await t.db
    .insertInto('polls')
    .values({ post_id: postId, expires_at: new Date(Date.now() + DAY_MS), created_at: createdAt })
    .returning('id')
    .executeTakeFirstOrThrow();
  const option = await t.db
    .insertInto('poll_options')
    .values([
      { poll_id: poll.id, position: 0, text: 'yes' },
      { poll_id: poll.id, position: 1, text: 'no' },
    ])
    .returning('id')
    .execute();
  await t.db
    .insertInto('poll_votes')
    .values({ poll_id: poll.id, user_id: voterId, option_id: option[0]!.id, created_at: createdAt })
    .execute();
}
