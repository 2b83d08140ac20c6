import { randomUUID } from 'node:crypto';
import { existsSync, mkdirSync, utimesSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { sweepUploads } from '../../src/jobs/sweep-uploads.js';
import { useTestApp } from '../helpers/app.js';
import { createUser } from '../helpers/factories.js';
import { form, pngImage, storedFile } from '../helpers/images.js';

/**
 * What kill -9 during an upload leaves (docs/resilience.md): a half-written `.tmp` file and a
 * stored file with no row. The hourly sweep removes both once they are an hour old, and
 * nothing any row points to.
 */
describe('the sweep of orphaned upload files', () => {
  const t = useTestApp();

  it('removes old .tmp files and stored files no row names, and nothing else', async () => {
    const user = await createUser(t);
    const upload = await t.request({
      method: 'POST',
      url: '/media/upload',
      token: user.token,
      payload: form([
        { field: 'files', data: await pngImage(40, 30), filename: 'a.png', type: 'image/png' },
      ]),
    });
    expect(upload.statusCode).toBe(201);
    const kept = storedFile(t.config.storageLocalDir, upload.json().items[0].url);

    const folder = path.join(t.config.storageLocalDir, 'post-media', user.id);
    mkdirSync(folder, { recursive: true });
    const orphan = path.join(folder, `${randomUUID()}.jpg`);
    const temporary = path.join(folder, `${randomUUID()}.jpg.${randomUUID()}.tmp`);
    const fresh = path.join(folder, `${randomUUID()}.png`);
    const pictures = path.join(t.config.storageLocalDir, 'profile-pictures', user.id);
    mkdirSync(pictures, { recursive: true });
    const orphanPicture = path.join(pictures, `${randomUUID()}.webp`);
    for (const file of [orphan, temporary, fresh, orphanPicture]) writeFileSync(file, 'x');
    const twoHoursAgo = new Date(Date.now() - 2 * 3600_000);
    for (const file of [kept, orphan, temporary, orphanPicture]) {
      utimesSync(file, twoHoursAgo, twoHoursAgo);
    }

    const { removed } = await sweepUploads(t.db, t.app.storage);
    expect(removed.sort()).toEqual([orphan, temporary, orphanPicture].sort());
    expect(existsSync(kept)).toBe(true);
    expect(existsSync(fresh)).toBe(true);
    expect(existsSync(orphan)).toBe(false);
    // the kept file is still served
    const served = await t.request({
      method: 'GET',
      url: new URL(upload.json().items[0].url).pathname,
    });
    expect(served.statusCode).toBe(200);
  });
});
