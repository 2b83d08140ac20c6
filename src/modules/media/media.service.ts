import type { Db } from '../../db/index.js';
import {
  type EncodedImage,
  encodeMediaImage,
  headerDimensions,
  type ImageFormat,
  sniffImage,
} from '../../lib/images.js';
import type { UploadedFile, UploadLimits } from '../../plugins/uploads.js';
import {
  newObjectPath,
  putAll,
  removeQuietly,
  type Storage,
  type WarnLogger,
} from '../../storage/index.js';
import { insertMedia } from './media.repository.js';
import type { Media } from './media.schemas.js';

const MB = 1024 * 1024;

/** API.md "uploads": 1-4 images, 5 MB each, 20 MB a request. */
export const MEDIA_UPLOAD_LIMITS: UploadLimits = {
  field: 'files',
  maxFiles: 4,
  maxFileBytes: 5 * MB,
  maxTotalBytes: 20 * MB,
};

const MEDIA_FORMATS: readonly ImageFormat[] = ['jpeg', 'png', 'webp', 'gif'];
const BUCKET = 'post-media';

export interface MediaDeps {
  db: Db;
  storage: Storage;
  log: WarnLogger;
}

/**
 * Checks every file before storing any (type by the bytes, then size in pixels from the
 * header), re-encodes them, stores them, and records them as media of the uploader with no
 * post yet. If the insert fails the stored files are removed again: nothing is orphaned.
 */
export async function uploadMedia(
  deps: MediaDeps,
  ownerId: string,
  files: UploadedFile[],
): Promise<Media[]> {
  const formats: ImageFormat[] = [];
  for (const file of files) {
    formats.push(await sniffImage(file.data, MEDIA_FORMATS, file.field));
    headerDimensions(file.data, file.field);
  }
  // one at a time: decoding is CPU and memory heavy, and the machine small
  const images: EncodedImage[] = [];
  for (const [i, file] of files.entries()) {
    images.push(await encodeMediaImage(file.data, formats[i]!, file.field));
  }

  const stored = images.map((image) => ({
    path: newObjectPath(ownerId, image.extension),
    data: image.data,
    contentType: image.contentType,
    image,
  }));
  await putAll(deps.storage, BUCKET, stored, deps.log);
  try {
    const rows = await insertMedia(
      deps.db,
      stored.map(({ path, image }) => ({
        owner_id: ownerId,
        bucket: BUCKET,
        path,
        url: deps.storage.publicUrl(BUCKET, path),
        content_type: image.contentType,
        size: image.data.length,
        width: image.width,
        height: image.height,
      })),
    );
    const byPath = new Map(rows.map((row) => [row.path, row]));
    return stored.map(({ path }) => {
      const row = byPath.get(path)!;
      return {
        id: row.id,
        url: row.url,
        content_type: row.content_type,
        size: row.size,
        width: row.width,
        height: row.height,
      };
    });
  } catch (error) {
    await removeQuietly(
      deps.storage,
      BUCKET,
      stored.map((s) => s.path),
      deps.log,
    );
    throw error;
  }
}
