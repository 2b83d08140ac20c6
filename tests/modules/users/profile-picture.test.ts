import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import path from 'node:path';
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { useTestApp } from '../../helpers/app.js';
import { whileDatabaseRefuses } from '../../helpers/db-failures.js';
import { createUser, expectError, type TestUser } from '../../helpers/factories.js';
import {
  animatedGif,
  craftedPng,
  type FilePart,
  form,
  jpegImage,
  listFiles,
  pngImage,
  storedFile,
  webpImage,
} from '../../helpers/images.js';

describe('POST and DELETE /users/me/profile-picture', () => {
  const t = useTestApp();
  const storageDir = () => t.config.storageLocalDir;

  const upload = (user: TestUser | undefined, parts: FilePart[], token = user?.token) =>
    t.request({ method: 'POST', url: '/users/me/profile-picture', token, payload: form(parts) });

  const picture = (data: Buffer, extra: Partial<FilePart> = {}): FilePart => ({
    field: 'file',
    data,
    filename: 'me.png',
    type: 'image/png',
    ...extra,
  });

  const fileOf = (url: string) => storedFile(storageDir(), url);

  it('stores a 400x400 WebP without metadata and serves it', async () => {
    const user = await createUser(t);
    const res = await upload(user, [picture(await jpegImage(900, 600), { type: 'image/jpeg' })]);
    expect(res.statusCode).toBe(200);
    const me = res.json();
    expect(me.id).toBe(user.id);
    expect(me.profile_picture_url).toMatch(
      new RegExp(`^http://api\\.test/files/profile-pictures/${user.id}/[0-9a-f-]{36}\\.webp$`),
    );
    const stored = await sharp(fileOf(me.profile_picture_url)).metadata();
    expect(stored).toMatchObject({ format: 'webp', width: 400, height: 400 });
    expect(stored.exif).toBeUndefined();

    const served = await t.request({
      method: 'GET',
      url: new URL(me.profile_picture_url).pathname,
    });
    expect(served.statusCode).toBe(200);
    expect(served.headers['content-type']).toBe('image/webp');
    expect(served.headers['cache-control']).toBe('public, max-age=31536000, immutable');
    expect(served.headers['x-content-type-options']).toBe('nosniff');
    expect(served.rawPayload.subarray(8, 12).toString()).toBe('WEBP');
    expect(Number(served.headers['content-length'])).toBe(served.rawPayload.length);

    const profile = await t.request({ method: 'GET', url: `/users/${user.id}` });
    expect(profile.json().profile_picture_url).toBe(me.profile_picture_url);
  });

  it('judges the type by the bytes: a PNG declared as JPEG is taken as the PNG it is', async () => {
    const user = await createUser(t);
    const res = await upload(user, [
      picture(await pngImage(100, 100), { filename: 'photo.jpg', type: 'image/jpeg' }),
    ]);
    expect(res.statusCode).toBe(200);
    expect(res.json().profile_picture_url).toMatch(/\.webp$/);
  });

  it('accepts WebP, and replaces the old file', async () => {
    const user = await createUser(t);
    const first = (await upload(user, [picture(await pngImage(128, 128))])).json();
    const second = await upload(user, [picture(await webpImage(300, 200), { type: 'image/webp' })]);
    expect(second.statusCode).toBe(200);
    const url = second.json().profile_picture_url;
    expect(url).not.toBe(first.profile_picture_url);
    expect(existsSync(fileOf(first.profile_picture_url))).toBe(false);
    expect(existsSync(fileOf(url))).toBe(true);
    expect(listFiles(path.join(storageDir(), 'profile-pictures', user.id))).toHaveLength(1);
    const row = await t.db
      .selectFrom('users')
      .select(['profile_picture_path'])
      .where('id', '=', user.id)
      .executeTakeFirstOrThrow();
    expect(url.endsWith(row.profile_picture_path!)).toBe(true);
  });

  it('removes it with DELETE (and DELETE again is fine)', async () => {
    const user = await createUser(t);
    const url = (await upload(user, [picture(await pngImage(64, 64))])).json().profile_picture_url;
    const res = await t.request({
      method: 'DELETE',
      url: '/users/me/profile-picture',
      token: user.token,
    });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({ id: user.id, profile_picture_url: null });
    expect(existsSync(fileOf(url))).toBe(false);
    const served = await t.request({ method: 'GET', url: new URL(url).pathname });
    expectError(served, 404, 'not_found');
    const again = await t.request({
      method: 'DELETE',
      url: '/users/me/profile-picture',
      token: user.token,
    });
    expect(again.statusCode).toBe(200);
  });

  describe('refuses bad input and leaves no file behind', () => {
    const cases: Array<[string, () => Promise<FilePart[]>, number, string]> = [
      [
        'a text file named .png',
        async () => [picture(Buffer.from('just some text, not an image'))],
        415,
        'unsupported_media_type',
      ],
      [
        'a GIF (not allowed for profile pictures)',
        async () => [picture(await animatedGif(80, 80, 2), { type: 'image/gif' })],
        415,
        'unsupported_media_type',
      ],
      [
        'an SVG',
        async () => [
          picture(Buffer.from('<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"/>'), {
            type: 'image/svg+xml',
          }),
        ],
        415,
        'unsupported_media_type',
      ],
      ['a 32x32 picture', async () => [picture(await pngImage(32, 32))], 422, 'validation_error'],
      ['a 200x40 picture', async () => [picture(await pngImage(200, 40))], 422, 'validation_error'],
      [
        'a PNG whose header claims 20000x20000',
        async () => [picture(craftedPng(20000, 20000))],
        422,
        'validation_error',
      ],
      [
        'a truncated PNG',
        async () => [picture((await pngImage(300, 300)).subarray(0, 400))],
        422,
        'validation_error',
      ],
      [
        '6 MB',
        async () => [
          picture(Buffer.concat([await pngImage(64, 64), randomBytes(6 * 1024 * 1024)])),
        ],
        413,
        'payload_too_large',
      ],
      [
        'two files',
        async () => [picture(await pngImage(64, 64)), picture(await pngImage(64, 64))],
        422,
        'validation_error',
      ],
      [
        'a file in another field',
        async () => [picture(await pngImage(64, 64), { field: 'avatar' })],
        422,
        'validation_error',
      ],
      ['no file at all', async () => [], 422, 'validation_error'],
    ];

    it.each(cases)('%s', async (_name, parts, status, code) => {
      const user = await createUser(t);
      const before = listFiles(storageDir());
      const error = expectError(await upload(user, await parts()), status, code);
      expect(listFiles(storageDir())).toEqual(before);
      const row = await t.db
        .selectFrom('users')
        .select('profile_picture_url')
        .where('id', '=', user.id)
        .executeTakeFirstOrThrow();
      expect(row.profile_picture_url).toBeNull();
      if (_name.includes('20000')) expect(error.message).toMatch(/40 megapixels/);
    });
  });

  it('answers a JSON body with 415 in the error shape', async () => {
    const user = await createUser(t);
    const res = await t.request({
      method: 'POST',
      url: '/users/me/profile-picture',
      token: user.token,
      payload: { file: 'data:image/png;base64,iVBORw0KGgo=' },
    });
    expectError(res, 415, 'unsupported_media_type');
  });

  it('answers malformed multipart with 400 and an empty one with 422', async () => {
    const user = await createUser(t);
    const post = (contentType: string, payload: string) =>
      t.request({
        method: 'POST',
        url: '/users/me/profile-picture',
        token: user.token,
        headers: { 'content-type': contentType },
        payload,
      });
    expectError(await post('multipart/form-data', 'no boundary here'), 400, 'bad_request');
    expectError(
      await post(
        'multipart/form-data; boundary=xyz',
        '--xyz\r\nContent-Disposition: form-data; name="file"; filename="a.png"\r\n\r\ncut short',
      ),
      400,
      'bad_request',
    );
    expectError(await post('multipart/form-data; boundary=xyz', ''), 422, 'validation_error');
  });

  it('answers 401 to an absent or forged token and stores nothing', async () => {
    const user = await createUser(t);
    const before = listFiles(storageDir());
    const png = await pngImage(64, 64);
    expectError(await upload(undefined, [picture(png)]), 401, 'unauthorized');
    expectError(await upload(user, [picture(png)], `${user.token}x`), 401, 'unauthorized');
    expect(listFiles(storageDir())).toEqual(before);
  });

  it('removes the new file when the database update fails', async () => {
    const user = await createUser(t);
    const before = listFiles(storageDir());
    // a real failure of the real database: a trigger that refuses this user's update
    await whileDatabaseRefuses(
      t.db,
      {
        table: 'users',
        event: 'before update of profile_picture_path',
        column: 'id',
        userId: user.id,
      },
      async () => {
        const res = await upload(user, [picture(await pngImage(100, 100))]);
        expectError(res, 500, 'internal_error');
        expect(listFiles(storageDir())).toEqual(before);
      },
    );
  });

  it('serves no file outside the storage folder', async () => {
    for (const url of [
      '/files/profile-pictures/..%2F..%2Fsecrets.json',
      '/files/profile-pictures/../../secrets.json',
      '/files/elsewhere/00000000-0000-0000-0000-000000000000/00000000-0000-0000-0000-000000000000.webp',
      '/files/profile-pictures/00000000-0000-0000-0000-000000000000/00000000-0000-0000-0000-000000000000.webp',
      '/files/profile-pictures/00000000-0000-0000-0000-000000000000/x.html',
    ]) {
      expectError(await t.request({ method: 'GET', url }), 404, 'not_found');
    }
  });
});
