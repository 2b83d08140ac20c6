import { describe, expect, it } from 'vitest';
import { DECODE_CONCURRENCY, decodeStats } from '../../src/lib/images.js';
import { useTestApp } from '../helpers/app.js';
import { createUser } from '../helpers/factories.js';
import { form, jpegImage } from '../helpers/images.js';

/**
 * Many uploads at once (docs/resilience.md): twenty 4-file uploads took the process to 1.3 GB
 * with every image decoded at the same time. Decodes now take turns, DECODE_CONCURRENCY at a
 * time, process-wide; every upload still succeeds. (The memory itself is measured by
 * bench/upload-flood.ts.)
 */
describe('concurrent uploads', () => {
  const t = useTestApp();

  it('decode at most DECODE_CONCURRENCY images at a time, and all succeed', async () => {
    const users = await Promise.all(Array.from({ length: 6 }, () => createUser(t)));
    const image = await jpegImage(800, 600);
    const parts = Array.from({ length: 4 }, (_, i) => ({
      field: 'files',
      data: image,
      filename: `photo-${i}.jpg`,
      type: 'image/jpeg',
    }));
    const results = await Promise.all(
      users.map((user) =>
        t.request({
          method: 'POST',
          url: '/media/upload',
          token: user.token,
          payload: form(parts),
        }),
      ),
    );
    expect(results.map((r) => r.statusCode)).toEqual(Array(users.length).fill(201));
    expect(decodeStats().peak).toBeGreaterThan(0);
    expect(decodeStats().peak).toBeLessThanOrEqual(DECODE_CONCURRENCY);
    expect(decodeStats().active).toBe(0);
  });
});
