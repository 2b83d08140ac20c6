import { randomUUID } from 'node:crypto';
import type { Config } from '../config.js';
import { type AppError, unavailable } from '../lib/errors.js';
import { type EncodedImage, extensions } from '../lib/images.js';

/**
 * Where uploaded files live. Two drivers behind one interface: `local` (a folder served by
 * the API itself, for development and small deployments) and `supabase` (Supabase Storage,
 * for production). The bucket names are Supabase's; the local driver uses them as folders.
 */
export const BUCKETS = ['profile-pictures', 'post-media'] as const;
export type Bucket = (typeof BUCKETS)[number];

export interface Storage {
  readonly driver: Config['storageDriver'];
  /** Stores a new object; the path must not exist yet (paths are generated, never reused). */
  put(bucket: Bucket, path: string, data: Buffer, contentType: string): Promise<void>;
  /** Deletes objects; one that is already gone is not an error. */
  remove(bucket: Bucket, paths: string[]): Promise<void>;
  /** The URL a browser loads the object from. */
  publicUrl(bucket: Bucket, path: string): string;
}

/** Thrown when the storage could not be reached or refused a request. */
export class StorageError extends Error {
  override name = 'StorageError';
  constructor(
    message: string,
    /** true when retrying later may work (network error, 5xx); false for our own mistakes */
    readonly transient: boolean,
  ) {
    super(message);
  }
}

/**
 * A new object's path: `<owner id>/<random uuid>.<ext>`. Never made from anything the client
 * sent, such as its file name; the owner folder lets a Storage policy or a clean-up job find a
 * user's files.
 */
export function newObjectPath(ownerId: string, extension: string): string {
  return `${ownerId}/${randomUUID()}.${extension}`;
}

/** The two parts of a generated path (owner folder, file name), as regular expression text. */
export const OBJECT_OWNER = '[0-9a-f-]{36}';
export const OBJECT_NAME = `[0-9a-f-]{36}\\.(?:${Object.values(extensions).join('|')})`;
/** The shape every generated path has; anything else is refused before touching a disk. */
export const OBJECT_PATH = new RegExp(`^${OBJECT_OWNER}/${OBJECT_NAME}$`);

/**
 * A storage failure as the client should see it: an outage is a 503 (try again later); a
 * refusal is our own misconfiguration, left to become a logged 500.
 */
function storageUnavailable(error: unknown): AppError | undefined {
  return error instanceof StorageError && error.transient
    ? unavailable('the file storage is unavailable; try again later')
    : undefined;
}

interface StoredFile {
  path: string;
  data: Buffer;
  contentType: string;
}

/** An image as stored: where (path, url) and what (the encoded image). */
export interface StoredImage {
  path: string;
  url: string;
  image: EncodedImage;
}

/** What the storage helpers need of a logger (Fastify's fits). */
export interface WarnLogger {
  warn(details: object, message: string): void;
}

/**
 * Deletes objects and never throws: a file left behind is logged (with its path, so it can
 * be cleaned up), but is no reason to fail a request whose real work is done.
 */
export async function removeQuietly(
  storage: Storage,
  bucket: Bucket,
  paths: string[],
  log: WarnLogger,
): Promise<void> {
  if (!paths.length) return;
  try {
    await storage.remove(bucket, paths);
  } catch (error) {
    log.warn({ err: error, bucket, paths }, 'could not delete stored files: they are orphaned');
  }
}

/**
 * The one way an upload is kept (media and profile pictures): the encoded images are stored
 * under new paths of their owner, all or none, then `commit` writes the database rows that
 * point to them. If the commit fails, the files are removed again: nothing is orphaned.
 */
export async function storeImages<T>(
  storage: Storage,
  log: WarnLogger,
  bucket: Bucket,
  ownerId: string,
  images: readonly EncodedImage[],
  commit: (stored: StoredImage[]) => Promise<T>,
): Promise<T> {
  const stored = images.map((image) => {
    const path = newObjectPath(ownerId, image.extension);
    return { path, url: storage.publicUrl(bucket, path), image };
  });
  await putAll(
    storage,
    bucket,
    stored.map(({ path, image }) => ({ path, data: image.data, contentType: image.contentType })),
    log,
  );
  try {
    return await commit(stored);
  } catch (error) {
    await removeQuietly(
      storage,
      bucket,
      stored.map((s) => s.path),
      log,
    );
    throw error;
  }
}

/**
 * Stores every file or none: when one fails, the ones already stored are removed again.
 * A storage outage becomes a 503.
 */
async function putAll(
  storage: Storage,
  bucket: Bucket,
  files: StoredFile[],
  log: WarnLogger,
): Promise<void> {
  const results = await Promise.allSettled(
    files.map((file) => storage.put(bucket, file.path, file.data, file.contentType)),
  );
  const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
  if (!failed) return;
  const stored = files.filter((_file, i) => results[i]?.status === 'fulfilled').map((f) => f.path);
  await removeQuietly(storage, bucket, stored, log);
  throw storageUnavailable(failed.reason) ?? failed.reason;
}
