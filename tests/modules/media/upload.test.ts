import { randomBytes } from 'node:crypto';
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

describe('POST /media/upload', () => {
  const t = useTestApp();
  const storageDir = () => t.config.storageLocalDir;

  const upload = (user: TestUser | undefined, parts: FilePart[], token = user?.token) =>
    t.request({ method: 'POST', url: '/media/upload', token, payload: form(parts) });

  const file = (data: Buffer, extra: Partial<FilePart> = {}): FilePart => ({
    field: 'files',
    data,
    filename: 'chart.png',
    type: 'image/png',
    ...extra,
  });

  const fileOf = (url: string) => storedFile(storageDir(), url);

  it('stores each image as media of the uploader, attached to no post yet', async () => {
    const user = await createUser(t);
    const res = await upload(user, [
      file(await pngImage(320, 200)),
      file(await jpegImage(120, 90), { filename: '../../etc/passwd.jpg', type: 'image/jpeg' }),
      file(await webpImage(50, 60), { type: 'image/webp' }),
    ]);
    expect(res.statusCode).toBe(201);
    const { items } = res.json() as { items: Array<Record<string, unknown>> };
    expect(items).toEqual([
      {
        id: expect.any(String),
        url: expect.stringMatching(/^http:\/\/api\.test\/files\/post-media\/.+\.png$/),
        content_type: 'image/png',
        size: expect.any(Number),
        width: 320,
        height: 200,
      },
      expect.objectContaining({ content_type: 'image/jpeg', width: 120, height: 90 }),
      expect.objectContaining({ content_type: 'image/webp', width: 50, height: 60 }),
    ]);
    // the client's file name plays no part in where the file goes
    expect(items[1]!.url).toMatch(new RegExp(`/post-media/${user.id}/[0-9a-f-]{36}\\.jpg$`));

    const rows = await t.db
      .selectFrom('media')
      .selectAll()
      .where('owner_id', '=', user.id)
      .orderBy('created_at')
      .execute();
    expect(rows).toHaveLength(3);
    expect(rows.every((r) => r.post_id === null && r.bucket === 'post-media')).toBe(true);
    for (const item of items) {
      const row = rows.find((r) => r.id === item.id)!;
      expect(row.size).toBe(item.size);
      const served = await t.request({ method: 'GET', url: new URL(String(item.url)).pathname });
      expect(served.statusCode).toBe(200);
      expect(served.headers['content-type']).toBe(item.content_type);
      expect(served.rawPayload.length).toBe(item.size);
    }
  });

  it('trusts the bytes over the declared type', async () => {
    const user = await createUser(t);
    const res = await upload(user, [
      file(await pngImage(64, 64), { filename: 'photo.jpg', type: 'image/jpeg' }),
    ]);
    expect(res.statusCode).toBe(201);
    expect(res.json().items[0]).toMatchObject({ content_type: 'image/png' });
    expect(res.json().items[0].url).toMatch(/\.png$/);
  });

  it('turns a photo upright and strips its EXIF and GPS data', async () => {
    const user = await createUser(t);
    // 300x200 as stored, orientation 6: upright it is 200x300
    const photo = await jpegImage(300, 200, { orientation: 6 });
    expect((await sharp(photo).metadata()).exif).toBeDefined();
    const res = await upload(user, [file(photo, { type: 'image/jpeg' })]);
    const item = res.json().items[0];
    expect(item).toMatchObject({ width: 200, height: 300 });
    const stored = await sharp(fileOf(item.url)).metadata();
    expect(stored).toMatchObject({ format: 'jpeg', width: 200, height: 300 });
    expect(stored.exif).toBeUndefined();
    expect(stored.orientation).toBeUndefined();
    const bytes = await t.request({ method: 'GET', url: new URL(item.url).pathname });
    expect(bytes.rawPayload.includes(Buffer.from('SecretCam'))).toBe(false);
  });

  it('keeps an animated GIF animated', async () => {
    const user = await createUser(t);
    const res = await upload(user, [file(await animatedGif(40, 30, 3), { type: 'image/gif' })]);
    expect(res.statusCode).toBe(201);
    const item = res.json().items[0];
    expect(item).toMatchObject({ content_type: 'image/gif', width: 40, height: 30 });
    const stored = await sharp(fileOf(item.url), { animated: true }).metadata();
    expect(stored).toMatchObject({ format: 'gif', pages: 3, width: 40 });
  });

  it('scales a very large image down to 4096 pixels', async () => {
    const user = await createUser(t);
    const big = await sharp({
      create: { width: 6000, height: 3000, channels: 3, background: '#224466' },
    })
      .png()
      .toBuffer();
    const res = await upload(user, [file(big)]);
    expect(res.json().items[0]).toMatchObject({ width: 4096, height: 2048 });
  });

  describe('refuses bad input and leaves no file behind', () => {
    const png = () => pngImage(64, 64);
    const cases: Array<[string, () => Promise<FilePart[]>, number, string]> = [
      [
        'a text file named .png',
        async () => [file(Buffer.from('hello, I am text'))],
        415,
        'unsupported_media_type',
      ],
      [
        'an HTML file declared as an image',
        async () => [
          file(Buffer.from('<html><script>alert(1)</script></html>'), { type: 'image/png' }),
        ],
        415,
        'unsupported_media_type',
      ],
      [
        'a good image beside a bad one',
        async () => [file(await png()), file(Buffer.from('%PDF-1.4 not an image'))],
        415,
        'unsupported_media_type',
      ],
      [
        'a PNG whose header claims 20000x20000',
        async () => [file(craftedPng(20000, 20000))],
        422,
        'validation_error',
      ],
      [
        'a PNG whose header claims 100000x10',
        async () => [file(craftedPng(100_000, 10))],
        422,
        'validation_error',
      ],
      [
        'a JPEG cut in half',
        async () => [file((await jpegImage(400, 400)).subarray(0, 3000), { type: 'image/jpeg' })],
        422,
        'validation_error',
      ],
      [
        'a 6 MB file',
        async () => [file(Buffer.concat([await png(), randomBytes(6 * 1024 * 1024)]))],
        413,
        'payload_too_large',
      ],
      [
        '5 files',
        async () => Promise.all([1, 2, 3, 4, 5].map(async () => file(await png()))),
        422,
        'validation_error',
      ],
      [
        'a file in another field',
        async () => [file(await png(), { field: 'file' })],
        422,
        'validation_error',
      ],
      ['no file', async () => [], 422, 'validation_error'],
    ];

    it.each(cases)('%s', async (name, parts, status, code) => {
      const user = await createUser(t);
      const before = listFiles(storageDir());
      const error = expectError(await upload(user, await parts()), status, code);
      expect(listFiles(storageDir())).toEqual(before);
      const rows = await t.db
        .selectFrom('media')
        .select('id')
        .where('owner_id', '=', user.id)
        .execute();
      expect(rows).toEqual([]);
      if (name.includes('20000')) {
        expect(error.details).toEqual([
          { field: 'files[0]', message: expect.stringMatching(/over 40 megapixels/) },
        ]);
      }
      if (name.includes('beside'))
        expect(error.details).toEqual([expect.objectContaining({ field: 'files[1]' })]);
    });
  });

  it('answers a JSON body with 415 and a text body with 415, in the error shape', async () => {
    const user = await createUser(t);
    const json = await t.request({
      method: 'POST',
      url: '/media/upload',
      token: user.token,
      payload: { files: ['x'] },
    });
    expectError(json, 415, 'unsupported_media_type');
    const text = await t.request({
      method: 'POST',
      url: '/media/upload',
      token: user.token,
      headers: { 'content-type': 'text/plain' },
      payload: 'files',
    });
    expectError(text, 415, 'unsupported_media_type');
    const none = await t.request({ method: 'POST', url: '/media/upload', token: user.token });
    expectError(none, 415, 'unsupported_media_type');
  });

  it('answers 401 to an absent or forged token', async () => {
    const user = await createUser(t);
    const before = listFiles(storageDir());
    expectError(await upload(undefined, [file(await pngImage(64, 64))]), 401, 'unauthorized');
    const forged = user.token.replace(/\.[^.]+$/, '.c2lnbmF0dXJl');
    expectError(await upload(user, [file(await pngImage(64, 64))], forged), 401, 'unauthorized');
    expect(listFiles(storageDir())).toEqual(before);
  });

  it('removes the stored files when the database insert fails', async () => {
    const user = await createUser(t);
    const before = listFiles(storageDir());
    await whileDatabaseRefuses(
      t.db,
      { table: 'media', event: 'before insert', column: 'owner_id', userId: user.id },
      async () => {
        const res = await upload(user, [
          file(await pngImage(64, 64)),
          file(await pngImage(80, 80)),
        ]);
        expectError(res, 500, 'internal_error');
        expect(listFiles(storageDir())).toEqual(before);
      },
    );
  });
});
