import { randomBytes, randomUUID } from 'node:crypto';
import type { LightMyRequestResponse } from 'fastify';
import { expect } from 'vitest';
import type { TestApp } from './app.js';

export interface TestUser {
  id: string;
  username: string;
  token: string;
}

let sequence = 0;

/** A unique valid username: letters, digits and _ (3-30). */
export function uniqueUsername(prefix = 'user'): string {
  sequence += 1;
  return `${prefix}_${sequence}_${randomBytes(3).toString('hex')}`.slice(0, 30);
}

/**
 * A user with a profile, written straight to the database (onboarding itself is tested
 * through the API in the users tests), and a real token for them.
 */
export async function createUser(
  t: TestApp,
  options: { username?: string; displayName?: string; admin?: boolean } = {},
): Promise<TestUser> {
  const id = randomUUID();
  const username = options.username ?? uniqueUsername();
  await t.db
    .insertInto('users')
    .values({
      id,
      username,
      display_name: options.displayName ?? username,
      timezone: 'UTC',
      is_admin: options.admin ?? false,
    })
    .execute();
  return { id, username, token: await t.token(id) };
}

/** A signed-in account that has not onboarded yet. */
export async function createAccount(t: TestApp): Promise<{ id: string; token: string }> {
  const id = randomUUID();
  return { id, token: await t.token(id) };
}

/** A page of a list route (docs/rules.md "Lists": `{ items, next_cursor }`). */
export interface Page<T> {
  items: T[];
  next_cursor: string | null;
}

/** GET `url` (with a bearer token when given), expecting 200; answers the JSON body. */
export async function getOk<T>(t: TestApp, url: string, token?: string): Promise<T> {
  const res = await t.request({ method: 'GET', url, token });
  expect(res.statusCode, res.body).toBe(200);
  return res.json() as T;
}

/** Asserts the error shape of docs/rules.md and returns its body. */
export function expectError(res: LightMyRequestResponse, status: number, code: string) {
  const body = res.json() as {
    error: { code: string; message: string; request_id: string; details?: unknown[] };
  };
  expect({ status: res.statusCode, code: body.error?.code }).toEqual({ status, code });
  expect(typeof body.error.message).toBe('string');
  expect(body.error.request_id).toBe(res.headers['x-request-id']);
  expect(res.body).not.toMatch(/\n\s+at |node_modules|\.ts:\d+|select |insert into/i);
  return body.error;
}

/**
 * A post written straight to the database, with its tickers (created when new) linked as
 * the posts module links them. For tests of modules that read posts without writing them.
 */
export async function insertPost(
  t: TestApp,
  authorId: string,
  options: {
    content?: string;
    sentiment?: 'bullish' | 'bearish' | null;
    tickers?: string[];
    createdAt?: Date;
    deleted?: boolean;
  } = {},
): Promise<{ id: string }> {
  const createdAt = options.createdAt ?? new Date();
  const tickers = options.tickers ?? [];
  const content = options.content ?? (tickers.map((s) => `$${s}`).join(' ') || 'a post');
  return t.db.transaction().execute(async (trx) => {
    const post = await trx
      .insertInto('posts')
      .values({
        author_id: authorId,
        content,
        sentiment: options.sentiment ?? null,
        created_at: createdAt,
        deleted_at: options.deleted ? createdAt : null,
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    if (tickers.length > 0) {
      await trx
        .insertInto('tickers')
        .values(tickers.map((symbol) => ({ symbol })))
        .onConflict((oc) => oc.column('symbol').doNothing())
        .execute();
      await trx
        .insertInto('post_tickers')
        .values(
          tickers.map((symbol, position) => ({
            post_id: post.id,
            symbol,
            position,
            created_at: createdAt,
          })),
        )
        .execute();
    }
    return post;
  });
}

/** A post through the API (so tickers, media and polls go the real way); returns the Post. */
export async function createPost(
  t: TestApp,
  author: TestUser,
  payload: Record<string, unknown> | string = {},
): Promise<{ id: string; [key: string]: unknown }> {
  const body =
    typeof payload === 'string' ? { content: payload } : { content: 'hello', ...payload };
  const res = await t.request({
    method: 'POST',
    url: '/posts',
    token: author.token,
    payload: body,
  });
  expect(res.statusCode, res.body).toBe(201);
  return res.json();
}

/** An uploaded image row, straight to the media table (uploads are tested in the media module). */
export async function createMedia(
  t: TestApp,
  ownerId: string,
  options: { width?: number; height?: number } = {},
): Promise<string> {
  const path = `${ownerId}/${randomUUID()}.webp`;
  const row = await t.db
    .insertInto('media')
    .values({
      owner_id: ownerId,
      bucket: 'post-media',
      path,
      url: `http://api.test/media/${path}`,
      content_type: 'image/webp',
      size: 1234,
      width: options.width ?? 640,
      height: options.height ?? 480,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  return row.id;
}

/** A follow, written straight to the database (the follows routes are tested in their module). */
export async function follow(t: TestApp, follower: TestUser, followee: TestUser): Promise<void> {
  await t.db
    .insertInto('follows')
    .values({ follower_id: follower.id, followee_id: followee.id })
    .execute();
}

/** A plain repost, straight to the database, at a chosen time (the feed orders by it). */
export async function insertRepost(
  t: TestApp,
  userId: string,
  postId: string,
  createdAt: Date = new Date(),
): Promise<{ id: string }> {
  return t.db
    .insertInto('reposts')
    .values({ user_id: userId, post_id: postId, created_at: createdAt })
    .returning('id')
    .executeTakeFirstOrThrow();
}

/**
 * Reads a list a page at a time: `read(cursor)` answers a page (cursor null for the first);
 * `between(n)` runs while page n + 1 is read, for the writes a reader races with. Answers every
 * item in order and the number of pages.
 */
export async function walkPages<T>(
  read: (cursor: string | null) => Promise<{ items: T[]; next_cursor: string | null }>,
  between: (page: number) => Promise<unknown> = async () => undefined,
  maxPages = 50,
): Promise<{ items: T[]; pages: number }> {
  const first = await read(null);
  const items = [...first.items];
  let cursor = first.next_cursor;
  let pages = 1;
  while (cursor && pages < maxPages) {
    const [page] = await Promise.all([read(cursor), between(pages)]);
    items.push(...page.items);
    cursor = page.next_cursor;
    pages++;
  }
  return { items, pages };
}
