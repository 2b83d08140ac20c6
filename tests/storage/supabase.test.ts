import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { newObjectPath, StorageError, SupabaseStorage } from '../../src/storage/index.js';
import { useTestApp } from '../helpers/app.js';
import { createUser, expectError, type TestUser } from '../helpers/factories.js';
import { form, jpegImage, pngImage } from '../helpers/images.js';
import { type FakeStorageServer, startStorageServer } from '../helpers/storage-server.js';

const KEY = 'service-role-key-for-tests';

describe('the supabase storage driver', () => {
  let server: FakeStorageServer;
  let storage: SupabaseStorage;
  beforeAll(async () => {
    server = await startStorageServer();
    storage = new SupabaseStorage(`${server.url}/`, KEY);
  });
  afterAll(() => server.close());
  beforeEach(() => server.reset());

  it('uploads with POST to /storage/v1/object/<bucket>/<path> and the service key', async () => {
    const path = newObjectPath(randomUUID(), 'png');
    const data = Buffer.from([0x89, 0x50, 0x4e, 0x47, 1, 2, 3]);
    await storage.put('post-media', path, data, 'image/png');
    expect(server.requests).toHaveLength(1);
    const [request] = server.requests;
    expect(request!.method).toBe('POST');
    expect(request!.path).toBe(`/storage/v1/object/post-media/${path}`);
    expect(request!.headers.authorization).toBe(`Bearer ${KEY}`);
    expect(request!.headers.apikey).toBe(KEY);
    expect(request!.headers['content-type']).toBe('image/png');
    expect(request!.headers['x-upsert']).toBe('false');
    expect(request!.headers['cache-control']).toBe('max-age=31536000');
    expect(request!.body.equals(data)).toBe(true);
  });

  it('deletes with the bulk DELETE and a JSON list of paths', async () => {
    const paths = [newObjectPath(randomUUID(), 'webp'), newObjectPath(randomUUID(), 'webp')];
    await storage.remove('profile-pictures', paths);
    const [request] = server.requests;
    expect(request!.method).toBe('DELETE');
    expect(request!.path).toBe('/storage/v1/object/profile-pictures');
    expect(request!.headers.authorization).toBe(`Bearer ${KEY}`);
    expect(request!.headers['content-type']).toBe('application/json');
    expect(JSON.parse(request!.body.toString())).toEqual({ prefixes: paths });
  });

  it('sends nothing to delete no paths', async () => {
    await storage.remove('post-media', []);
    expect(server.requests).toEqual([]);
  });

  it('builds public URLs of the public buckets', () => {
    expect(storage.publicUrl('post-media', 'a/b.png')).toBe(
      `${server.url}/storage/v1/object/public/post-media/a/b.png`,
    );
  });

  it('reports a server error as transient and a refusal as not', async () => {
    server.respond = () => ({ status: 503, body: { message: 'busy' } });
    const busy = await storage
      .put('post-media', 'x', Buffer.from('x'), 'image/png')
      .catch((e) => e);
    expect(busy).toBeInstanceOf(StorageError);
    expect(busy.transient).toBe(true);
    expect(busy.message).not.toContain(KEY);

    server.respond = () => ({ status: 400, body: { message: 'Bucket not found' } });
    const refused = await storage.remove('post-media', ['x']).catch((e) => e);
    expect(refused).toBeInstanceOf(StorageError);
    expect(refused.transient).toBe(false);
    expect(refused.message).toContain('400');
  });

  it('reports an unreachable server as transient', async () => {
    const gone = new SupabaseStorage('http://127.0.0.1:9', KEY);
    const error = await gone.put('post-media', 'x', Buffer.from('x'), 'image/png').catch((e) => e);
    expect(error).toBeInstanceOf(StorageError);
    expect(error.transient).toBe(true);
  });
});

describe('uploads through the API with STORAGE_DRIVER=supabase', () => {
  let server: FakeStorageServer;
  const env: Record<string, string> = {
    STORAGE_DRIVER: 'supabase',
    SUPABASE_SERVICE_ROLE_KEY: KEY,
  };
  // runs before useTestApp's own beforeAll, which reads env when it builds the app
  beforeAll(async () => {
    server = await startStorageServer();
    env.SUPABASE_URL = server.url;
  });
  const t = useTestApp(env);
  afterAll(() => server.close());
  beforeEach(() => server.reset());

  const uploadPicture = async (user: TestUser) =>
    t.request({
      method: 'POST',
      url: '/users/me/profile-picture',
      token: user.token,
      payload: form([{ field: 'file', data: await pngImage(100, 100), type: 'image/png' }]),
    });

  it('stores the profile picture in the bucket and deletes the old one', async () => {
    const user = await createUser(t);
    const first = await uploadPicture(user);
    expect(first.statusCode).toBe(200);
    const [put] = server.requests;
    expect(put).toMatchObject({ method: 'POST' });
    expect(put!.path).toMatch(
      new RegExp(`^/storage/v1/object/profile-pictures/${user.id}/[0-9a-f-]{36}\\.webp$`),
    );
    expect(put!.headers.authorization).toBe(`Bearer ${KEY}`);
    expect(put!.headers['content-type']).toBe('image/webp');
    expect(put!.body.subarray(8, 12).toString()).toBe('WEBP');
    const objectPath = put!.path.replace('/storage/v1/object/profile-pictures/', '');
    expect(first.json().profile_picture_url).toBe(
      `${server.url}/storage/v1/object/public/profile-pictures/${objectPath}`,
    );

    server.reset();
    expect((await uploadPicture(user)).statusCode).toBe(200);
    expect(server.requests.map((r) => r.method)).toEqual(['POST', 'DELETE']);
    expect(JSON.parse(server.requests[1]!.body.toString())).toEqual({ prefixes: [objectPath] });
  });

  it('stores media in post-media and serves no local files', async () => {
    const user = await createUser(t);
    const res = await t.request({
      method: 'POST',
      url: '/media/upload',
      token: user.token,
      payload: form([
        { field: 'files', data: await pngImage(30, 20), type: 'image/png' },
        { field: 'files', data: await jpegImage(40, 40), type: 'image/jpeg' },
      ]),
    });
    expect(res.statusCode).toBe(201);
    const paths = server.requests.map((r) => `${r.method} ${r.headers['content-type']}`).sort();
    expect(paths).toEqual(['POST image/jpeg', 'POST image/png']);
    for (const item of res.json().items) {
      expect(item.url).toMatch(new RegExp(`^${server.url}/storage/v1/object/public/post-media/`));
    }
    const local = await t.request({
      method: 'GET',
      url: `/files/post-media/${user.id}/${randomUUID()}.png`,
    });
    expect(local.statusCode).toBe(404);
  });

  it('answers 503 when the storage is down, and keeps no row', async () => {
    const user = await createUser(t);
    server.respond = () => ({ status: 503, body: { error: 'down' } });
    const res = await uploadPicture(user);
    expectError(res, 503, 'unavailable');
    const row = await t.db
      .selectFrom('users')
      .select('profile_picture_url')
      .where('id', '=', user.id)
      .executeTakeFirstOrThrow();
    expect(row.profile_picture_url).toBeNull();
  });

  it('removes the stored files again when one of several uploads fails', async () => {
    const user = await createUser(t);
    let uploads = 0;
    server.respond = (request) =>
      request.method === 'POST' && ++uploads === 2 ? { status: 500 } : { status: 200 };
    const res = await t.request({
      method: 'POST',
      url: '/media/upload',
      token: user.token,
      payload: form([
        { field: 'files', data: await pngImage(30, 20), type: 'image/png' },
        { field: 'files', data: await pngImage(20, 30), type: 'image/png' },
      ]),
    });
    expectError(res, 503, 'unavailable');
    const stored = server.requests
      .filter((r) => r.method === 'POST')
      .map((r) => r.path.replace('/storage/v1/object/post-media/', ''));
    const deletes = server.requests.filter((r) => r.method === 'DELETE');
    expect(deletes).toHaveLength(1);
    const removed = JSON.parse(deletes[0]!.body.toString()).prefixes as string[];
    // the upload that succeeded is removed (removing the failed one too would be harmless)
    expect(stored.filter((p) => removed.includes(p)).length).toBeGreaterThanOrEqual(1);
    const rows = await t.db
      .selectFrom('media')
      .select('id')
      .where('owner_id', '=', user.id)
      .execute();
    expect(rows).toEqual([]);
  });
});
