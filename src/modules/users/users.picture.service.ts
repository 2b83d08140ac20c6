import type { Db } from '../../db/index.js';
import { invalid, notFound } from '../../lib/errors.js';
import {
  encodeProfilePicture,
  headerDimensions,
  PROFILE_PICTURE_MIN_SIDE,
  sniffImage,
} from '../../lib/images.js';
import type { UploadedFile, UploadLimits } from '../../plugins/uploads.js';
import { removeQuietly, type Storage, storeImages, type WarnLogger } from '../../storage/index.js';
import { lockPicture, setPicture } from './users.repository.js';

/** One JPEG, PNG or WebP file of at most 5 MB (docs/rules.md "Uploads"). */
export const PROFILE_PICTURE_LIMITS: UploadLimits = {
  field: 'file',
  maxFiles: 1,
  maxFileBytes: 5 * 1024 * 1024,
  maxTotalBytes: 5 * 1024 * 1024,
};

const BUCKET = 'profile-pictures';

export interface PictureDeps {
  db: Db;
  storage: Storage;
  log: WarnLogger;
}

/**
 * Swaps the user's picture in the database under a row lock, and returns the path it
 * replaced. Two uploads at once are serialized by the lock, so each sees the other's file
 * as the old one and no file is left behind.
 */
async function swapPicture(
  db: Db,
  userId: string,
  picture: { url: string; path: string } | null,
): Promise<string | null> {
  return db.transaction().execute(async (trx) => {
    const current = await lockPicture(trx, userId);
    if (!current) throw notFound('user');
    await setPicture(trx, userId, picture);
    return current.profile_picture_path;
  });
}

/**
 * Checks the file (type by the bytes, size from the header, at least 64x64), stores it as a
 * 400x400 WebP, points the profile at it and deletes the old one. If the database update
 * fails, the new file is deleted again.
 */
export async function setProfilePicture(
  deps: PictureDeps,
  userId: string,
  file: UploadedFile,
): Promise<void> {
  await sniffImage(file.data, ['jpeg', 'png', 'webp'], file.field);
  const { width, height } = headerDimensions(file.data, file.field);
  if (width < PROFILE_PICTURE_MIN_SIDE || height < PROFILE_PICTURE_MIN_SIDE) {
    throw invalid(
      file.field,
      `must be at least ${PROFILE_PICTURE_MIN_SIDE}x${PROFILE_PICTURE_MIN_SIDE} pixels (got ${width}x${height})`,
    );
  }
  const image = await encodeProfilePicture(file.data, file.field);
  const previous = await storeImages(deps.storage, deps.log, BUCKET, userId, [image], ([stored]) =>
    swapPicture(deps.db, userId, { url: stored!.url, path: stored!.path }),
  );
  if (previous) await removeQuietly(deps.storage, BUCKET, [previous], deps.log);
}

/** Removes the picture (nothing to do when there is none). */
export async function removeProfilePicture(deps: PictureDeps, userId: string): Promise<void> {
  const previous = await swapPicture(deps.db, userId, null);
  if (previous) await removeQuietly(deps.storage, BUCKET, [previous], deps.log);
}
