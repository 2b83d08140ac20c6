import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { AppError } from '../../src/lib/errors.js';
import {
  encodeMediaImage,
  encodeProfilePicture,
  headerDimensions,
  sniffImage,
} from '../../src/lib/images.js';
import { animatedGif, craftedPng, jpegImage, pngImage, webpImage } from '../helpers/images.js';

const codeOf = async (promise: Promise<unknown>) =>
  promise.then(
    () => 'ok',
    (error) => (error instanceof AppError ? error.code : String(error)),
  );

describe('image checks', () => {
  it('tells the format by the bytes', async () => {
    expect(await sniffImage(await pngImage(8, 8), ['png'], 'f')).toBe('png');
    expect(await sniffImage(await jpegImage(8, 8), ['jpeg', 'png'], 'f')).toBe('jpeg');
    expect(await sniffImage(await webpImage(8, 8), ['webp'], 'f')).toBe('webp');
    expect(await sniffImage(await animatedGif(8, 8, 2), ['gif'], 'f')).toBe('gif');
    expect(await codeOf(sniffImage(await animatedGif(8, 8, 2), ['png', 'jpeg'], 'f'))).toBe(
      'unsupported_media_type',
    );
    // magic bytes alone pass the sniffing; the decoding refuses the rest
    const fake = Buffer.from('GIF89a but not really');
    expect(await sniffImage(fake, ['gif'], 'f')).toBe('gif');
    expect(await codeOf(encodeMediaImage(fake, 'gif', 'f'))).toBe('validation_error');
    expect(await codeOf(sniffImage(Buffer.alloc(0), ['png'], 'f'))).toBe('unsupported_media_type');
  });

  it('reads the size from the header and refuses more than 40 megapixels', () => {
    expect(headerDimensions(craftedPng(6000, 6000), 'f')).toEqual({ width: 6000, height: 6000 });
    expect(() => headerDimensions(craftedPng(20000, 20000), 'f')).toThrow(/40 megapixels/);
    expect(() => headerDimensions(craftedPng(20000, 1), 'f')).toThrow(/wider or taller/);
    expect(() => headerDimensions(Buffer.from('nothing'), 'f')).toThrow(/could not be read/);
  });

  it('refuses to decode a crafted header that lies about its data', async () => {
    expect(await codeOf(encodeMediaImage(craftedPng(3000, 3000), 'png', 'f'))).toBe(
      'validation_error',
    );
  });

  it('counts every frame of an animation against the pixel limit (sharp as second guard)', async () => {
    // 1000x1000, 41 frames: each frame passes the header check, all of them do not
    const gif = await animatedGif(1000, 1000, 41);
    expect(headerDimensions(gif, 'f')).toEqual({ width: 1000, height: 1000 });
    const error = await encodeMediaImage(gif, 'gif', 'f').catch((e: AppError) => e);
    expect(error).toBeInstanceOf(AppError);
    expect((error as AppError).message).toMatch(/megapixels in all/);
  });

  it('makes a square WebP profile picture from any shape', async () => {
    const picture = await encodeProfilePicture(await jpegImage(500, 120), 'f');
    expect(picture).toMatchObject({ format: 'webp', width: 400, height: 400, extension: 'webp' });
    const meta = await sharp(picture.data).metadata();
    expect(meta).toMatchObject({ format: 'webp', width: 400, height: 400 });
    expect(meta.exif).toBeUndefined();
  });
});
