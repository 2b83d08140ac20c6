import type { Readable } from 'node:stream';
import multipart, { type Multipart, type MultipartFile } from '@fastify/multipart';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import pLimit from 'p-limit';
import { type TSchema, Type } from 'typebox';
import {
  AppError,
  badRequest,
  invalid,
  payloadTooLarge,
  unsupportedMediaType,
} from '../lib/errors.js';

/**
 * Multipart uploads, for the few routes that take files. Register it in the scope of those
 * routes only (registerUploads), so no other route parses multipart. Limits hold while the
 * body streams in: a file over its limit, or a body over the request's limit, stops the
 * parsing at once, and nothing is buffered beyond the limits. The rest of the body is read
 * and dropped (within bounds) after the answer, so the client still sending it reads the
 * 413 rather than a connection reset (plugins/request-limits.ts).
 */
export interface UploadLimits {
  /** the multipart field the files come in */
  field: string;
  maxFiles: number;
  maxFileBytes: number;
  maxTotalBytes: number;
}

export interface UploadedFile {
  /** the name errors use for it: `file`, or `files[2]` when there may be several */
  field: string;
  data: Buffer;
}

const MAX_FIELDS = 10;
const MAX_FIELD_BYTES = 1024;
/** Multipart framing and a few small text fields, on top of the files themselves. */
const OVERHEAD_BYTES = 64 * 1024;

const megabytes = (bytes: number) => `${Math.round(bytes / (1024 * 1024))} MB`;

export async function registerUploads(scope: FastifyInstance, limits: UploadLimits) {
  await scope.register(multipart, {
    throwFileSizeLimit: true,
    limits: {
      fileSize: limits.maxFileBytes,
      files: limits.maxFiles,
      fields: MAX_FIELDS,
      fieldSize: MAX_FIELD_BYTES,
      fieldNameSize: 100,
      parts: limits.maxFiles + MAX_FIELDS,
      headerPairs: 20,
    },
  });
  const maxBody = limits.maxTotalBytes + OVERHEAD_BYTES;
  scope.addHook('preParsing', async (request, _reply, payload) => {
    // a declared length over the limit is refused before a byte of the body is read; in
    // preParsing, after the route's auth (onRequest), so a stranger is told 401 first
    const length = Number(request.headers['content-length']);
    if (length > maxBody) {
      throw payloadTooLarge(`the request is larger than ${megabytes(limits.maxTotalBytes)}`);
    }
    return payload;
  });
}

/**
 * Uploads handled at once, process-wide, from reading the body to storing the files. The
 * others wait with their bodies unread: TCP holds them back on the client's side, instead of
 * 20 MB each in our memory (docs/resilience.md, bench/upload-flood.ts).
 */
export const UPLOAD_CONCURRENCY = 4;
const uploadSlots = pLimit(UPLOAD_CONCURRENCY);

/** Uploads running and waiting (for tests and logs). */
export function uploadStats(): { active: number; pending: number } {
  return { active: uploadSlots.activeCount, pending: uploadSlots.pendingCount };
}

/** Runs one upload (read, check, store) when a slot is free. */
export function inUploadSlot<T>(work: () => Promise<T>): Promise<T> {
  return uploadSlots(work);
}

/** A request body of multipart/form-data files, documented in OpenAPI; read by readUploads. */
export function multipartBody(properties: Record<string, TSchema>) {
  return {
    consumes: ['multipart/form-data'],
    body: Type.Object(properties),
  };
}

/** Route option: the multipart body is checked by readUploads, not by the JSON validator. */
export const skipBodyValidation = () => () => true;

const BinaryFile = Type.String({ format: 'binary' });
export const FileField = (description: string) => ({ ...BinaryFile, description });

function readFile(
  part: MultipartFile,
  max: number,
  field: string,
  stopReading: () => void,
): Promise<Buffer> {
  const file = part.file as Readable & { truncated?: boolean };
  return new Promise((resolve, reject) => {
    const cutShort = () => file.errored ?? badRequest(`${field} was cut short`);
    // the parser may have failed (and destroyed the stream) before we got to it
    if (file.destroyed) return reject(cutShort());
    const chunks: Buffer[] = [];
    let size = 0;
    let settled = false;
    const fail = (error: unknown) => {
      if (settled) return;
      settled = true;
      file.removeAllListeners('data');
      reject(error);
    };
    const tooLarge = () => {
      stopReading();
      fail(tooLargeError(field, max));
    };
    file.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > max) tooLarge();
      else chunks.push(chunk);
    });
    file.once('limit', tooLarge);
    file.once('error', fail);
    file.once('close', () => fail(cutShort()));
    file.once('end', () => {
      if (file.truncated) return tooLarge();
      if (settled) return;
      settled = true;
      resolve(Buffer.concat(chunks, size));
    });
  });
}

function tooLargeError(field: string, max: number): AppError {
  const message = `is larger than ${megabytes(max)}`;
  return new AppError('payload_too_large', `${field} ${message}`, [{ field, message }]);
}

/** What the multipart parser threw, as the client should see it. */
function translate(error: unknown, limits: UploadLimits): unknown {
  if (error instanceof AppError) return error;
  const code = (error as { code?: unknown })?.code;
  if (code === 'FST_FILES_LIMIT') {
    const rule =
      limits.maxFiles === 1 ? 'must be a single file' : `holds more than ${limits.maxFiles} files`;
    return invalid(limits.field, rule);
  }
  if (code === 'FST_REQ_FILE_TOO_LARGE') return tooLargeError(limits.field, limits.maxFileBytes);
  if (typeof code === 'string' && code.startsWith('FST_')) return error;
  // busboy's own complaints: no boundary, a part cut short, a malformed part header
  return badRequest('the multipart body is malformed');
}

/**
 * The files of a multipart request, each read into memory within its limit. Text fields are
 * ignored; a file in another field is a 422. Throws 415 when the body is not multipart.
 */
export async function readUploads(
  request: FastifyRequest,
  limits: UploadLimits,
): Promise<UploadedFile[]> {
  if (!request.isMultipart()) {
    throw unsupportedMediaType(`send the ${limits.field} as multipart/form-data`);
  }
  const raw = request.raw;
  const maxBody = limits.maxTotalBytes + OVERHEAD_BYTES;
  let stop: (error: AppError) => void = () => {};
  const stopped = new Promise<never>((_resolve, reject) => {
    stop = reject;
  });
  stopped.catch(() => {});
  let received = 0;
  // stop parsing the body; what is left is drained after the answer (plugins/request-limits.ts)
  const stopReading = () => {
    raw.off('data', count);
    raw.unpipe();
    raw.pause();
  };
  // a body without a declared length (chunked) is counted as it arrives; the reading stops
  // right here, since a fast sender can deliver many chunks before a promise settles
  function count(chunk: Buffer) {
    received += chunk.length;
    if (received > maxBody) {
      stopReading();
      stop(payloadTooLarge(`the request is larger than ${megabytes(limits.maxTotalBytes)}`));
    }
  }

  // a client that goes away half-way (or while the upload waited for a slot) must not hold
  // its upload slot: the parser may never hear of it
  const gone = () => {
    if (!raw.complete) stop(badRequest('the request was cut short'));
  };
  if (raw.destroyed) gone();
  raw.once('close', gone);

  // the first next() starts the parser (it pipes the request into it) before any data flows
  const parts = request.parts()[Symbol.asyncIterator]() as AsyncIterator<Multipart>;
  let next = parts.next();
  raw.on('data', count);
  const files: UploadedFile[] = [];
  let total = 0;
  try {
    for (;;) {
      const { value: part, done } = await Promise.race([next, stopped]);
      if (done) break;
      if (part.type === 'file') {
        const field = limits.maxFiles > 1 ? `${limits.field}[${files.length}]` : limits.field;
        if (part.fieldname !== limits.field) {
          throw invalid(
            part.fieldname.slice(0, 100),
            `is not a known field (send "${limits.field}")`,
          );
        }
        const data = await Promise.race([
          readFile(part, limits.maxFileBytes, field, stopReading),
          stopped,
        ]);
        total += data.length;
        if (total > limits.maxTotalBytes) {
          throw payloadTooLarge(`the files add up to more than ${megabytes(limits.maxTotalBytes)}`);
        }
        files.push({ field, data });
      }
      next = parts.next();
    }
  } catch (error) {
    stopReading();
    throw translate(error, limits);
  } finally {
    raw.off('data', count);
    raw.off('close', gone);
  }
  if (files.length === 0) {
    const what = limits.maxFiles === 1 ? 'one image file' : `1 to ${limits.maxFiles} image files`;
    throw invalid(limits.field, `is required: send ${what}`);
  }
  return files;
}
