import { readdirSync } from 'node:fs';
import path from 'node:path';
import { Readable } from 'node:stream';
import { crc32 } from 'node:zlib';
import sharp from 'sharp';

/** Real images made with sharp, and hostile files made by hand, for the upload tests. */

const noise = { type: 'gaussian' as const, mean: 128, sigma: 40 };

/** A noisy RGB image (noise keeps encoders from shrinking it to nothing). */
function canvas(width: number, height: number) {
  return sharp({ create: { width, height, channels: 3, background: '#3366cc', noise } });
}

export const pngImage = (width: number, height: number) => canvas(width, height).png().toBuffer();
export const webpImage = (width: number, height: number) => canvas(width, height).webp().toBuffer();

/** A JPEG carrying EXIF: an orientation, a camera and a GPS position (IFD3). */
export function jpegImage(width: number, height: number, options: { orientation?: number } = {}) {
  return canvas(width, height)
    .jpeg({ quality: 90 })
    .withExif({
      IFD0: { Make: 'SecretCam', Model: 'Spy 3000', Copyright: 'private' },
      IFD3: { GPSLatitudeRef: 'N', GPSLatitude: '48/1 51/1 24/1' },
    })
    .withMetadata(options.orientation ? { orientation: options.orientation } : {})
    .toBuffer();
}

/** An animated GIF of `frames` differently coloured frames. */
export async function animatedGif(width: number, height: number, frames: number) {
  const colours = ['#ff0000', '#00ff00', '#0000ff', '#ffff00'];
  const images = await Promise.all(
    Array.from({ length: frames }, (_, i) =>
      sharp({
        create: { width, height, channels: 3, background: colours[i % colours.length]! },
      })
        .png()
        .toBuffer(),
    ),
  );
  return sharp(images, { join: { animated: true } })
    .gif({ delay: 100, loop: 0 })
    .toBuffer();
}

/**
 * A tiny PNG whose header claims width x height: the signature, a valid IHDR (with its CRC),
 * a few bytes of image data and IEND. Decoding it for real would need width*height*3 bytes.
 */
export function craftedPng(width: number, height: number): Buffer {
  const chunk = (type: string, data: Buffer) => {
    const length = Buffer.alloc(4);
    length.writeUInt32BE(data.length);
    const body = Buffer.concat([Buffer.from(type, 'ascii'), data]);
    const crc = Buffer.alloc(4);
    crc.writeUInt32BE(crc32(body) >>> 0);
    return Buffer.concat([length, body, crc]);
  };
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr[8] = 8; // bit depth
  ihdr[9] = 2; // truecolour
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', ihdr),
    chunk('IDAT', Buffer.from([0x78, 0x9c, 0x63, 0x60, 0x00, 0x00, 0x00, 0x02, 0x00, 0x01])),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

export interface FilePart {
  field: string;
  data: Buffer;
  filename?: string;
  type?: string;
}

/** A multipart form as a browser sends it (light-my-request streams a FormData payload). */
export function form(parts: FilePart[], fields: Record<string, string> = {}): FormData {
  const body = new FormData();
  for (const [name, value] of Object.entries(fields)) body.append(name, value);
  for (const part of parts) {
    body.append(
      part.field,
      new Blob([part.data], { type: part.type ?? 'application/octet-stream' }),
      part.filename ?? 'upload.bin',
    );
  }
  return body;
}

/**
 * A multipart body streamed lazily: one file part of `size` bytes, produced only as fast as
 * the server reads it. `produced()` says how many bytes the server pulled.
 */
export function streamingUpload(options: { field: string; size: number; asTextField?: boolean }) {
  const boundary = 'streaming-boundary-0123456789';
  const head = Buffer.from(
    `--${boundary}\r\nContent-Disposition: form-data; name="${options.field}"` +
      (options.asTextField ? '' : '; filename="big.png"\r\nContent-Type: image/png') +
      '\r\n\r\n',
  );
  const tail = Buffer.from(`\r\n--${boundary}--\r\n`);
  const chunk = Buffer.alloc(64 * 1024, 0x41);
  let sent = 0;
  let produced = 0;
  const stream = new Readable({
    read() {
      if (produced === 0) {
        produced += head.length;
        this.push(head);
        return;
      }
      if (sent >= options.size) {
        produced += tail.length;
        this.push(tail);
        this.push(null);
        return;
      }
      const piece = chunk.subarray(0, Math.min(chunk.length, options.size - sent));
      sent += piece.length;
      produced += piece.length;
      this.push(piece);
    },
  });
  return {
    stream,
    contentType: `multipart/form-data; boundary=${boundary}`,
    produced: () => produced,
  };
}

/** Every file under a folder (relative paths, sorted); [] when the folder does not exist. */
export function listFiles(root: string): string[] {
  try {
    return readdirSync(root, { recursive: true, withFileTypes: true })
      .filter((entry) => entry.isFile())
      .map((entry) => path.relative(root, path.join(entry.parentPath, entry.name)))
      .sort();
  } catch {
    return [];
  }
}

/** The file behind a URL that the local storage driver handed out. */
export function storedFile(storageRoot: string, url: string): string {
  const objectPath = new URL(url).pathname.replace(/^\/files\//, '');
  return path.join(storageRoot, ...objectPath.split('/'));
}
