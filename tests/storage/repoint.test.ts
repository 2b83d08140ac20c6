import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { LocalStorage, SupabaseStorage } from '../../src/storage/index.js';
import { repointStoredUrls } from '../../src/storage/repoint.js';
import { useTestApp } from '../helpers/app.js';
import { createUser } from '../helpers/factories.js';

describe('setting stored file URLs again after the storage settings change', () => {
  const t = useTestApp();

  async function seed() {
    const user = await createUser(t);
    const picture = `${user.id}/${randomUUID()}.webp`;
    await t.db
      .updateTable('users')
      .set({
        profile_picture_path: picture,
        profile_picture_url: `http://127.0.0.1:3000/files/profile-pictures/${picture}`,
      })
      .where('id', '=', user.id)
      .execute();
    const path = `${user.id}/${randomUUID()}.png`;
    const media = await t.db
      .insertInto('media')
      .values({
        owner_id: user.id,
        bucket: 'post-media',
        path,
        url: `http://127.0.0.1:3000/files/post-media/${path}`,
        content_type: 'image/png',
        size: 10,
        width: 64,
        height: 64,
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    const read = () =>
      t.db
        .selectFrom('media')
        .innerJoin('users', 'users.id', 'media.owner_id')
        .select(['users.profile_picture_url as picture', 'media.url as media'])
        .where('media.id', '=', media.id)
        .executeTakeFirstOrThrow();
    return { picture, path, read };
  }

  it('moves them to the new PUBLIC_BASE_URL, and only says so on a dry run', async () => {
    const { picture, path, read } = await seed();
    const before = await read();
    const storage = new LocalStorage(t.config.storageLocalDir, 'https://api.pageshare.app');

    const dry = await repointStoredUrls(t.db, storage, { dryRun: true });
    expect(dry).toMatchObject({ media: 1, profile_pictures: 1 });
    expect(await read()).toEqual(before);

    expect(await repointStoredUrls(t.db, storage)).toMatchObject({ media: 1, profile_pictures: 1 });
    expect(await read()).toEqual({
      picture: `https://api.pageshare.app/files/profile-pictures/${picture}`,
      media: `https://api.pageshare.app/files/post-media/${path}`,
    });
    // each URL is what the driver itself builds, and a second run has nothing left to do
    expect((await read()).media).toBe(storage.publicUrl('post-media', path));
    expect(await repointStoredUrls(t.db, storage)).toMatchObject({ media: 0, profile_pictures: 0 });
  });

  it('moves them to Supabase Storage URLs', async () => {
    const { picture, path, read } = await seed();
    const storage = new SupabaseStorage('https://abc.supabase.co', 'service-key');
    await repointStoredUrls(t.db, storage);
    expect(await read()).toEqual({
      picture: storage.publicUrl('profile-pictures', picture),
      media: storage.publicUrl('post-media', path),
    });
    expect((await read()).media).toMatch(
      /^https:\/\/abc\.supabase\.co\/storage\/v1\/object\/public\/post-media\//,
    );
  });

  it('leaves users without a picture as they are', async () => {
    const user = await createUser(t);
    await repointStoredUrls(t.db, new LocalStorage(t.config.storageLocalDir, 'https://x.test'));
    const row = await t.db
      .selectFrom('users')
      .select(['profile_picture_url', 'profile_picture_path'])
      .where('id', '=', user.id)
      .executeTakeFirstOrThrow();
    expect(row).toEqual({ profile_picture_url: null, profile_picture_path: null });
  });
});
