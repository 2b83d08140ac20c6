import { fileTypeFromBuffer } from 'file-type';
import { imageSize } from 'image-size';
import pLimit from 'p-limit';
import sharp, { type Sharp } from 'sharp';
import { AppError, invalid } from './errors.js';

/**
 * Uploaded images (docs/rules.md "Uploads"): the type is judged by the bytes, never by the name or the
 * declared type; the size in pixels is read from the header before anything is decoded, so a
 * small file that claims 20000x20000 (a decompression bomb) is refused without allocating
 * 1.6 GB; then sharp decodes and re-encodes it, which applies the EXIF orientation and drops
 * every piece of metadata (EXIF, GPS, XMP, ICC, comments).
 */

export type ImageFormat = 'jpeg' | 'png' | 'webp' | 'gif';

export const MAX_IMAGE_PIXELS = 40_000_000;
/** WebP cannot be larger; no photograph worth posting is either. */
const MAX_IMAGE_SIDE = 16_383;
/** Media are scaled down to fit this box: larger ones only cost bandwidth to every reader. */
const MEDIA_MAX_SIDE = 4096;
const PROFILE_PICTURE_SIZE = 400;
export const PROFILE_PICTURE_MIN_SIDE = 64;

const formats: Record<string, ImageFormat> = {
  'image/jpeg': 'jpeg',
  'image/png': 'png',
  'image/webp': 'webp',
  'image/gif': 'gif',
};

const contentTypes: Record<ImageFormat, string> = {
  jpeg: 'image/jpeg',
  png: 'image/png',
  webp: 'image/webp',
  gif: 'image/gif',
};

export const extensions: Record<ImageFormat, string> = {
  jpeg: 'jpg',
  png: 'png',
  webp: 'webp',
  gif: 'gif',
};

/** The content type of a stored file, by the extension it was given (`extensions`). */
export const contentTypeByExtension: Readonly<Record<string, string>> = Object.fromEntries(
  (Object.keys(extensions) as ImageFormat[]).map((format) => [
    extensions[format],
    contentTypes[format],
  ]),
);

const formatNames: Record<ImageFormat, string> = {
  jpeg: 'JPEG',
  png: 'PNG',
  webp: 'WebP',
  gif: 'GIF',
};

export interface EncodedImage {
  data: Buffer;
  format: ImageFormat;
  contentType: string;
  extension: string;
  width: number;
  height: number;
}

function unsupported(field: string, allowed: readonly ImageFormat[]): AppError {
  const names = allowed.map((f) => formatNames[f]).join(', ');
  const message = `is not an image of an accepted type (${names})`;
  return new AppError('unsupported_media_type', `${field} ${message}`, [{ field, message }]);
}

/** The format the bytes say, if it is one of `allowed`; else 415. */
export async function sniffImage(
  data: Buffer,
  allowed: readonly ImageFormat[],
  field: string,
): Promise<ImageFormat> {
  const type = await fileTypeFromBuffer(data);
  const format = type ? formats[type.mime] : undefined;
  // file-type calls an animated PNG image/apng: it is a PNG all the same
  const resolved = format ?? (type?.mime === 'image/apng' ? 'png' : undefined);
  if (!resolved || !allowed.includes(resolved)) throw unsupported(field, allowed);
  return resolved;
}

/**
 * Width and height from the header alone (image-size parses a few bytes, decodes nothing);
 * 422 when the header cannot be read or the image is too large to decode safely.
 */
export function headerDimensions(data: Buffer, field: string): { width: number; height: number } {
  let width: number | undefined;
  let height: number | undefined;
  try {
    ({ width, height } = imageSize(data));
  } catch {
    throw invalid(field, 'could not be read as an image');
  }
  if (!width || !height) throw invalid(field, 'could not be read as an image');
  if (width * height > MAX_IMAGE_PIXELS) {
    throw invalid(field, `is over ${MAX_IMAGE_PIXELS / 1_000_000} megapixels (${width}x${height})`);
  }
  if (width > MAX_IMAGE_SIDE || height > MAX_IMAGE_SIDE) {
    throw invalid(field, `is wider or taller than ${MAX_IMAGE_SIDE} pixels`);
  }
  return { width, height };
}

/**
 * Decoding is the costly part of an upload: a 40-megapixel image takes 160 MB while sharp
 * works on it, and four of them come in one request. Twenty uploads at once took the process
 * to 1.3 GB and every other request waited on the CPU. At most DECODE_CONCURRENCY images are
 * decoded at a time, process-wide; the rest wait their turn (the request just takes longer).
 */
export const DECODE_CONCURRENCY = 2;
const decodeSlots = pLimit(DECODE_CONCURRENCY);
// each upload is decoded once: libvips' operation cache only holds on to memory
sharp.cache(false);
const decoding = { active: 0, peak: 0 };

/** How many decodes run now, and the most that ever ran at once (for tests). */
export function decodeStats(): { active: number; peak: number } {
  return { ...decoding };
}

function inDecodeSlot<T>(work: () => Promise<T>): Promise<T> {
  return decodeSlots(async () => {
    decoding.active++;
    decoding.peak = Math.max(decoding.peak, decoding.active);
    try {
      return await work();
    } finally {
      decoding.active--;
    }
  });
}

/** sharp with its own pixel limit as a second guard (it counts every frame of an animation). */
function decoder(data: Buffer, animated: boolean): Sharp {
  return sharp(data, { limitInputPixels: MAX_IMAGE_PIXELS, failOn: 'error', animated });
}

async function encode(image: Sharp, format: ImageFormat, field: string): Promise<EncodedImage> {
  try {
    const { data, info } = await image.toBuffer({ resolveWithObject: true });
    return {
      data,
      format,
      contentType: contentTypes[format],
      extension: extensions[format],
      width: info.width,
      // an animation is one tall strip of frames: its height is one frame's
      height: info.pageHeight ?? info.height,
    };
  } catch (error) {
    const message = error instanceof Error ? error.message : '';
    if (/pixel limit/i.test(message)) {
      throw invalid(field, `is over ${MAX_IMAGE_PIXELS / 1_000_000} megapixels in all`);
    }
    throw invalid(field, 'could not be decoded as an image');
  }
}

/**
 * A post's image, in its own format: GIF and WebP keep their animation; a still image is
 * turned upright per its EXIF orientation; anything larger than MEDIA_MAX_SIDE is scaled down.
 */
export function encodeMediaImage(
  data: Buffer,
  format: ImageFormat,
  field: string,
): Promise<EncodedImage> {
  return inDecodeSlot(() => encodeMedia(data, format, field));
}

async function encodeMedia(data: Buffer, format: ImageFormat, field: string) {
  const animatable = format === 'gif' || format === 'webp';
  let pages = 1;
  try {
    pages = animatable ? ((await sharp(data).metadata()).pages ?? 1) : 1;
  } catch {
    throw invalid(field, 'could not be decoded as an image');
  }
  let image = decoder(data, pages > 1);
  if (pages === 1) image = image.autoOrient();
  image = image.resize({
    width: MEDIA_MAX_SIDE,
    height: MEDIA_MAX_SIDE,
    fit: 'inside',
    withoutEnlargement: true,
  });
  switch (format) {
    case 'jpeg':
      image = image.jpeg({ quality: 85 });
      break;
    case 'png':
      image = image.png();
      break;
    case 'webp':
      image = image.webp({ quality: 85 });
      break;
    case 'gif':
      image = image.gif();
      break;
  }
  return encode(image, format, field);
}

/** A profile picture: upright, cropped to a centred square, 400x400 WebP. */
export function encodeProfilePicture(data: Buffer, field: string): Promise<EncodedImage> {
  return inDecodeSlot(() => {
    const image = decoder(data, false)
      .autoOrient()
      .resize(PROFILE_PICTURE_SIZE, PROFILE_PICTURE_SIZE, { fit: 'cover', position: 'centre' })
      .webp({ quality: 85 });
    return encode(image, 'webp', field);
  });
}
