import type { Db } from '../../db/index.js';
import {
  type EncodedImage,
  encodeMediaImage,
  headerDimensions,
  type ImageFormat,
  sniffImage,
} from '../../lib/images.js';
import type { UploadedFile, UploadLimits } from '../../plugins/uploads.js';
import { type Storage, storeImages, type WarnLogger } from '../../storage/index.js';
import { insertMedia } from './media.repository.js';
import type { Media } from './media.schemas.js';

const MB = 1024 * 1024;

/** 1-4 images, 5 MB each, 20 MB a request (docs/rules.md "Uploads"). */
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

  return storeImages(deps.storage, deps.log, BUCKET, ownerId, images, async (stored) => {
    const rows = await insertMedia(
      deps.db,
      stored.map(({ path, url, image }) => ({
        owner_id: ownerId,
        bucket: BUCKET,
        path,
        url,
        content_type: image.contentType,
        size: image.data.length,
        width: image.width,
        height: image.height,
      })),
    );
    const byPath = new Map(rows.map((row) => [row.path, row]));
    return stored.map(({ path }) => {
      const { path: _path, ...media } = byPath.get(path)!;
      return media;
    });
  });
}
