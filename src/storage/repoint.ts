import { sql } from 'kysely';
import type { Db } from '../db/index.js';
import type { Bucket, Storage } from './storage.js';

/**
 * Stored file URLs (`media.url`, `users.profile_picture_url`) are absolute: every reader takes
 * them as they are. They are made from the storage settings of the moment (PUBLIC_BASE_URL for
 * the local driver, SUPABASE_URL for Supabase), so when those change, the URLs already stored
 * point at the old place. This sets each one again from its bucket and path, as the storage
 * given builds them now (`npm run storage:urls`). It moves URLs, not files.
 *
 * Set-based: one UPDATE a table. Paths are ours (`<uuid>/<uuid>.<ext>`), which no driver
 * escapes, so the URL is the bucket's prefix followed by the path; a path with any other
 * character (none is ever written) is left alone and counted as skipped. A user whose picture
 * URL changes gets a new `updated_at` (the trigger of 0002 counts the picture as the profile).
 */
export interface RepointResult {
  media: number;
  profile_pictures: number;
  skipped: number;
}

const SAFE_PATH = '^[A-Za-z0-9._-]+(/[A-Za-z0-9._-]+)*$';

export async function repointStoredUrls(
  db: Db,
  storage: Storage,
  options: { dryRun?: boolean } = {},
): Promise<RepointResult> {
  const media = prefixOf(storage, 'post-media');
  const pictures = prefixOf(storage, 'profile-pictures');
  return db.transaction().execute(async (trx) => {
    const counts = await sql<RepointResult>`
      select
        (select count(*) from media m
          where m.bucket = 'post-media' and m.path ~ ${SAFE_PATH}
            and m.url is distinct from ${media} || m.path)::int as media,
        (select count(*) from users u
          where u.profile_picture_path ~ ${SAFE_PATH}
            and u.profile_picture_url is distinct from ${pictures} || u.profile_picture_path)::int
          as profile_pictures,
        ((select count(*) from media m where m.path !~ ${SAFE_PATH} or m.bucket <> 'post-media')
          + (select count(*) from users u where u.profile_picture_path !~ ${SAFE_PATH}))::int
          as skipped
    `.execute(trx);
    const result = counts.rows[0]!;
    if (options.dryRun) return result;
    await sql`
      update media m set url = ${media} || m.path
      where m.bucket = 'post-media' and m.path ~ ${SAFE_PATH}
        and m.url is distinct from ${media} || m.path
    `.execute(trx);
    await sql`
      update users u set profile_picture_url = ${pictures} || u.profile_picture_path
      where u.profile_picture_path ~ ${SAFE_PATH}
        and u.profile_picture_url is distinct from ${pictures} || u.profile_picture_path
    `.execute(trx);
    return result;
  });
}

/** The URL of a bucket's objects up to the path; checked against the driver's own URL. */
function prefixOf(storage: Storage, bucket: Bucket): string {
  const sample = '00000000-0000-4000-8000-000000000000/sample.webp';
  const url = storage.publicUrl(bucket, sample);
  if (!url.endsWith(`/${sample}`)) {
    throw new Error(`the ${storage.driver} driver does not build URLs as <prefix>/<path>`);
  }
  return url.slice(0, url.length - sample.length);
}
