import { existsSync } from 'node:fs';
import path from 'node:path';
import type { LightMyRequestResponse } from 'fastify';
import { sql } from 'kysely';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { useTestApp } from '../../helpers/app.js';
import {
  createPost,
  createUser,
  expectError,
  getOk,
  type TestUser,
} from '../../helpers/factories.js';
import { form, pngImage } from '../../helpers/images.js';
import { type FakeStorageServer, startStorageServer } from '../../helpers/storage-server.js';

type Call = (
  user: TestUser | null,
  method: string,
  url: string,
  payload?: object,
) => Promise<LightMyRequestResponse>;

/** Everything a user can do, so that an erasure has something to erase everywhere. */
async function busyUser(t: ReturnType<typeof useTestApp>, call: Call) {
  const [ada, ben] = [await createUser(t), await createUser(t)];
  const marker = `adasecret${Math.random().toString(36).slice(2, 8)}`;
  const bens = await createPost(t, ben, `Ben on $NVDA`);
  const upload = await t.request({
    method: 'POST',
    url: '/media/upload',
    token: ada.token,
    payload: form([{ field: 'files', data: await pngImage(64, 64), type: 'image/png' }]),
  });
  expect(upload.statusCode, upload.body).toBe(201);
  const mediaId = upload.json().items[0].id as string;
  const adas = await createPost(t, ada, {
    content: `${marker} long $NVDA @${ben.username}`,
    sentiment: 'bullish',
    media_ids: [mediaId],
  });
  const poll = await createPost(t, ada, {
    content: `${marker} poll`,
    poll: { options: [`${marker} yes`, 'no'] },
  });
  await call(ada, 'PATCH', `/posts/${adas.id}`, {
    content: `${marker} long $NVDA and $AMD @${ben.username}`,
  });
  const picture = await t.request({
    method: 'POST',
    url: '/users/me/profile-picture',
    token: ada.token,
    payload: form([{ field: 'file', data: await pngImage(100, 100), type: 'image/png' }]),
  });
  expect(picture.statusCode, picture.body).toBe(200);
  const steps: [TestUser, string, string, object?][] = [
    [ada, 'POST', `/posts/${bens.id}/reactions`],
    [ada, 'POST', `/posts/${bens.id}/comments`, { content: `${marker} comment` }],
    [ada, 'POST', `/posts/${bens.id}/reposts`],
    [ada, 'POST', `/posts/${bens.id}/reposts`, { quote: `${marker} quote` }],
    [ada, 'POST', `/posts/${bens.id}/bookmarks`],
    [ada, 'POST', `/users/${ben.id}/follow`],
    [ben, 'POST', `/users/${ada.id}/follow`],
    [ben, 'POST', `/posts/${adas.id}/reactions`],
    [ben, 'POST', `/posts/${adas.id}/comments`, { content: 'nice one' }],
    [ben, 'POST', `/posts/${adas.id}/bookmarks`],
    [
      ben,
      'POST',
      `/polls/${poll.poll && (poll.poll as { id: string }).id}/votes`,
      {
        option_id: (poll.poll as { options: { id: string }[] }).options[0]!.id,
      },
    ],
    [ada, 'POST', '/users/me/muted-words', { word: marker }],
    [ada, 'PUT', '/users/me/watchlist/TSLA'],
    [ada, 'PUT', '/users/me/pinned-post', { post_id: adas.id }],
    [
      ada,
      'POST',
      '/reports',
      { target_type: 'post', target_id: bens.id, reason: 'spam', details: marker },
    ],
  ];
  for (const [user, method, url, body] of steps) {
    const res = await call(user, method, url, body);
    expect(res.statusCode, `${method} ${url}: ${res.body}`).toBeLessThan(300);
  }
  const cy = await createUser(t);
  expect((await call(ada, 'POST', `/users/${cy.id}/block`)).statusCode).toBeLessThan(300);
  expect((await call(cy, 'POST', `/users/${ada.id}/mute`)).statusCode).toBeLessThan(300);
  return { ada, ben, cy, marker, bens, adas, poll };
}

describe('DELETE /users/me: erasure', () => {
  const t = useTestApp();
  const call: Call = (user, method, url, payload) =>
    t.request({
      method: method as 'GET',
      url,
      ...(user ? { token: user.token } : {}),
      ...(payload ? { payload } : {}),
    });

  it('needs the username to confirm, and changes nothing otherwise', async () => {
    const ada = await createUser(t);
    for (const body of [
      {},
      { confirm: '' },
      { confirm: 'someone_else' },
      { confirm: ada.username.toUpperCase() },
      { confirm: ada.username, force: true },
    ]) {
      expectError(await call(ada, 'DELETE', '/users/me', body), 422, 'validation_error');
    }
    expect((await call(ada, 'GET', '/users/me')).statusCode).toBe(200);
    expectError(await call(null, 'DELETE', '/users/me', { confirm: 'x' }), 401, 'unauthorized');
  });

  it('erases every trace: no table holds the id, no text survives, every count follows', async () => {
    const s = await busyUser(t, call);
    const storageRoot = t.config.storageLocalDir!;
    const files = await t.db
      .selectFrom('media')
      .select('path')
      .where('owner_id', '=', s.ada.id)
      .execute();
    const picture = (await getOk<{ profile_picture_url: string }>(t, '/users/me', s.ada.token))
      .profile_picture_url;
    expect(files.length).toBe(1);

    const res = await call(s.ada, 'DELETE', '/users/me', { confirm: s.ada.username });
    expect(res.statusCode, res.body).toBe(204);

    // the same token: as before onboarding; the username is free
    expectError(await call(s.ada, 'GET', '/users/me'), 403, 'onboarding_required');
    const again = await call(s.ada, 'POST', '/users/me/onboarding', {
      username: s.ada.username,
      timezone: 'UTC',
    });
    expect(again.statusCode, again.body).toBe(201);
    expect(again.json()).toMatchObject({
      stats: { followers: 0, following: 0, posts: 0 },
      interests: [],
    });
    await call(s.ada, 'DELETE', '/users/me', { confirm: s.ada.username });

    // no column of any table holds the old id
    const { rows: columns } = await sql<{ table_name: string; column_name: string }>`
      select c.table_name, c.column_name from information_schema.columns c
      join information_schema.tables tb on tb.table_name = c.table_name and tb.table_schema = c.table_schema
      where c.table_schema = 'public' and c.data_type = 'uuid' and tb.table_type = 'BASE TABLE'`.execute(
      t.db,
    );
    for (const { table_name, column_name } of columns) {
      const { rows } = await sql<{
        n: number;
      }>`select count(*)::int as n from ${sql.table(table_name)}
        where ${sql.ref(column_name)} = ${s.ada.id}`.execute(t.db);
      expect(rows[0]!.n, `${table_name}.${column_name}`).toBe(0);
    }
    // no text of the user survives, in any text column
    const { rows: texts } = await sql<{ table_name: string; column_name: string }>`
      select c.table_name, c.column_name from information_schema.columns c
      join information_schema.tables tb on tb.table_name = c.table_name and tb.table_schema = c.table_schema
      where c.table_schema = 'public' and c.data_type in ('text', 'ARRAY', 'jsonb')
        and tb.table_type = 'BASE TABLE'`.execute(t.db);
    for (const { table_name, column_name } of texts) {
      const { rows } = await sql<{
        n: number;
      }>`select count(*)::int as n from ${sql.table(table_name)}
        where ${sql.ref(column_name)}::text ilike ${`%${s.marker}%`}`.execute(t.db);
      expect(rows[0]!.n, `${table_name}.${column_name}`).toBe(0);
    }
    // nor does any route show it
    for (const url of [
      '/posts',
      '/feed?type=all',
      `/posts/${s.bens.id}/comments`,
      '/tickers/NVDA/posts',
      `/users/${s.ben.id}/followers`,
      `/users/${s.ben.id}/following`,
      '/notifications',
      '/bookmarks',
      `/search?q=${s.ada.username}`,
    ]) {
      const body = (await call(s.ben, 'GET', url)).body;
      expect(body, url).not.toContain(s.ada.id);
      expect(body, url).not.toContain(s.marker);
    }
    expectError(await call(s.ben, 'GET', `/posts/${s.adas.id}`), 404, 'not_found');
    expectError(await call(s.ben, 'GET', `/users/${s.ada.id}`), 404, 'not_found');

    // counters equal live counts
    const ben = await getOk<{ stats: { followers: number; following: number } }>(
      t,
      `/users/${s.ben.id}`,
    );
    expect(ben.stats).toMatchObject({ followers: 0, following: 0 });
    const bens = await getOk<{ stats: Record<string, number> }>(t, `/posts/${s.bens.id}`);
    const live = await t.db
      .selectFrom('post_stats')
      .selectAll()
      .where('post_id', '=', s.bens.id)
      .executeTakeFirstOrThrow();
    expect(bens.stats).toEqual({
      reactions: live.reactions,
      comments: live.comments,
      reposts: live.reposts,
      quotes: live.quotes,
    });
    expect(bens.stats).toEqual({ reactions: 0, comments: 0, reposts: 0, quotes: 0 });
    const { rows: tickers } = await sql<{ symbol: string; post_count: number; live: number }>`
      select t.symbol, t.post_count, (select count(*)::int from post_tickers pt join posts p on p.id = pt.post_id
        where pt.symbol = t.symbol and p.deleted_at is null and not p.author_suspended) as live
      from tickers t where t.symbol in ('NVDA', 'AMD')`.execute(t.db);
    for (const row of tickers) expect(row.post_count, row.symbol).toBe(row.live);

    // the files are gone from storage
    for (const file of files)
      expect(existsSync(path.join(storageRoot, 'post-media', file.path))).toBe(false);
    const pictureFile = picture.split('/profile-pictures/')[1]!;
    expect(existsSync(path.join(storageRoot, 'profile-pictures', pictureFile))).toBe(false);

    // the metrics keep counts only: a nameless account that existed, with its sessions' times
    const { rows: kept } = await sql<{ n: number }>`select count(*)::int as n from users
      where username like 'deleted_%' and display_name = 'Deleted account' and deleted_at is not null`.execute(
      t.db,
    );
    expect(kept[0]!.n).toBeGreaterThanOrEqual(1);
  });
});

describe('erasure with Supabase: Auth user and stored files', () => {
  let server: FakeStorageServer;
  const KEY = 'service-role-key-for-tests';
  const env: Record<string, string> = {
    STORAGE_DRIVER: 'supabase',
    SUPABASE_SERVICE_ROLE_KEY: KEY,
  };
  beforeAll(async () => {
    server = await startStorageServer();
    env.SUPABASE_URL = server.url;
  });
  const t = useTestApp(env);
  afterAll(() => server.close());
  beforeEach(() => server.reset());

  it('deletes the Auth user through the admin API, and the files', async () => {
    const ada = await createUser(t);
    const upload = await t.request({
      method: 'POST',
      url: '/media/upload',
      token: ada.token,
      payload: form([{ field: 'files', data: await pngImage(64, 64), type: 'image/png' }]),
    });
    expect(upload.statusCode).toBe(201);
    server.reset();
    const res = await t.request({
      method: 'DELETE',
      url: '/users/me',
      token: ada.token,
      payload: { confirm: ada.username },
    });
    expect(res.statusCode, res.body).toBe(204);
    const auth = server.requests.find((r) => r.path.startsWith('/auth/'));
    expect(auth).toMatchObject({ method: 'DELETE', path: `/auth/v1/admin/users/${ada.id}` });
    expect(auth!.headers.authorization).toBe(`Bearer ${KEY}`);
    expect(auth!.headers.apikey).toBe(KEY);
    const removal = server.requests.find(
      (r) => r.path.startsWith('/storage/') && r.method === 'DELETE',
    );
    expect(removal?.path).toBe('/storage/v1/object/post-media');
  });

  it('keeps the erasure when storage and Auth fail: retried, logged, and the account stays gone', async () => {
    const ada = await createUser(t);
    const upload = await t.request({
      method: 'POST',
      url: '/media/upload',
      token: ada.token,
      payload: form([{ field: 'files', data: await pngImage(64, 64), type: 'image/png' }]),
    });
    expect(upload.statusCode).toBe(201);
    server.reset();
    server.respond = () => ({ status: 500, body: { error: 'down' } });
    const res = await t.request({
      method: 'DELETE',
      url: '/users/me',
      token: ada.token,
      payload: { confirm: ada.username },
    });
    expect(res.statusCode, res.body).toBe(204);
    expect(server.requests.filter((r) => r.path.startsWith('/auth/'))).toHaveLength(3);
    expect(server.requests.filter((r) => r.path.startsWith('/storage/'))).toHaveLength(3);
    expectError(
      await t.request({ method: 'GET', url: '/users/me', token: ada.token }),
      403,
      'onboarding_required',
    );
  });
});

describe('GET /users/me/export', () => {
  const t = useTestApp();
  const call: Call = (user, method, url, payload) =>
    t.request({
      method: method as 'GET',
      url,
      ...(user ? { token: user.token } : {}),
      ...(payload ? { payload } : {}),
    });

  it('is one JSON file with everything held about the user, and nothing private of others', async () => {
    const s = await busyUser(t, call);
    const res = await call(s.ada, 'GET', '/users/me/export');
    expect(res.statusCode).toBe(200);
    expect(String(res.headers['content-type'])).toMatch(/^application\/json/);
    expect(String(res.headers['content-disposition'])).toMatch(
      /^attachment; filename="pageshare-export-\d{4}-\d\d-\d\d\.json"$/,
    );
    const data = JSON.parse(res.body);
    expect(Object.keys(data)).toEqual([
      'format',
      'exported_at',
      'profile',
      'posts',
      'comments',
      'reactions',
      'reposts',
      'bookmarks',
      'following',
      'followers',
      'mutes',
      'blocks',
      'muted_words',
      'watchlist',
      'interests',
      'poll_votes',
      'media',
      'reports_filed',
    ]);
    expect(data.profile).toMatchObject({
      id: s.ada.id,
      username: s.ada.username,
      pinned_post_id: s.adas.id,
    });
    expect(data.profile).not.toHaveProperty('ip_hash');
    const post = data.posts.find((p: { id: string }) => p.id === s.adas.id);
    expect(post.tickers).toEqual(['NVDA', 'AMD']);
    expect(post.edits).toHaveLength(1);
    expect(post.edits[0].content).toContain('long $NVDA @');
    expect(data.posts.find((p: { id: string }) => p.id === s.poll.id).poll.options).toEqual([
      `${s.marker} yes`,
      'no',
    ]);
    // quotes are posts of their own
    expect(data.posts).toHaveLength(3);
    expect(data.comments.map((c: { content: string }) => c.content)).toEqual([
      `${s.marker} comment`,
    ]);
    expect(data.reactions).toHaveLength(1);
    expect(data.reposts).toHaveLength(1);
    expect(data.bookmarks).toEqual([expect.objectContaining({ post_id: s.bens.id })]);
    expect(data.following.map((f: { user: { id: string } }) => f.user.id)).toEqual([s.ben.id]);
    expect(data.followers.map((f: { user: { id: string } }) => f.user.id)).toEqual([s.ben.id]);
    expect(data.blocks.map((f: { user: { id: string } }) => f.user.id)).toEqual([s.cy.id]);
    expect(data.mutes).toEqual([]); // Cy muted Ada: Cy's, not Ada's
    expect(data.muted_words.map((w: { word: string }) => w.word)).toEqual([s.marker]);
    expect(data.watchlist.map((w: { symbol: string }) => w.symbol)).toEqual(['TSLA']);
    expect(data.media).toHaveLength(1);
    expect(data.reports_filed).toEqual([
      expect.objectContaining({ target_id: s.bens.id, details: s.marker }),
    ]);
    // Ben's bookmark of Ada's post and his vote are his, not hers
    expect(data.poll_votes).toEqual([]);
    expect(res.body).not.toContain('ip_hash');
  });

  it('is one per 10 minutes: the next is 429 with Retry-After', async () => {
    const ada = await createUser(t);
    const [a, b] = await Promise.all([
      call(ada, 'GET', '/users/me/export'),
      call(ada, 'GET', '/users/me/export'),
    ]);
    expect([a.statusCode, b.statusCode].sort()).toEqual([200, 429]);
    const refused = a.statusCode === 429 ? a : b;
    expectError(refused, 429, 'rate_limited');
    const wait = Number(refused.headers['retry-after']);
    expect(wait).toBeGreaterThan(500);
    expect(wait).toBeLessThanOrEqual(600);
    await t.db
      .updateTable('users')
      .set({ last_export_at: sql`now() - interval '11 minutes'` })
      .where('id', '=', ada.id)
      .execute();
    expect((await call(ada, 'GET', '/users/me/export')).statusCode).toBe(200);
  });

  it('needs a signed-in user', async () => {
    expectError(await call(null, 'GET', '/users/me/export'), 401, 'unauthorized');
  });
});
