import type { Dirent } from 'node:fs';
import { readdir, rm, stat } from 'node:fs/promises';
import path from 'node:path';
import type { FastifyBaseLogger } from 'fastify';
import type { App } from '../app-type.js';
import type { Db } from '../db/index.js';
import { BUCKETS, type Bucket, LocalStorage, OBJECT_PATH, type Storage } from '../storage/index.js';

/**
 * The sweep of orphaned upload files (docs/resilience.md). An upload stores its files, then
 * writes the rows that point to them, and removes the files if the write fails; a process
 * killed in between (kill -9, a crash, a lost machine) leaves a half-written `.tmp` file, or
 * a stored file no row points to. Every hour the sweep removes, under the local storage
 * folder, `.tmp` files and files that neither `media.path` nor `users.profile_picture_path`
 * names, once they are older than GRACE_MS (an upload in progress is never that old).
 * Supabase Storage is not swept here (its files are listed by its own API).
 */
export const GRACE_MS = 60 * 60_000;
const SWEEP_EVERY_MS = 60 * 60_000;
const FIRST_SWEEP_MS = 60_000;
type Log = Pick<FastifyBaseLogger, 'info' | 'warn'>;

export interface SweepResult {
  removed: string[];
}

async function entries(folder: string): Promise<Dirent[]> {
  return readdir(folder, { withFileTypes: true }).catch(() => []);
}

/** Which of these paths of a bucket some row points to. */
async function referenced(db: Db, bucket: Bucket, paths: string[]): Promise<Set<string>> {
  if (paths.length === 0) return new Set();
  const rows =
    bucket === 'post-media'
      ? await db
          .selectFrom('media')
          .select('path')
          .where('bucket', '=', bucket)
          .where('path', 'in', paths)
          .execute()
      : await db
          .selectFrom('users')
          .select('profile_picture_path as path')
          .where('profile_picture_path', 'in', paths)
          .execute();
  return new Set(rows.map((row) => row.path).filter((p): p is string => p !== null));
}

export async function sweepUploads(
  db: Db,
  storage: Storage,
  now = Date.now(),
): Promise<SweepResult> {
  const removed: string[] = [];
  if (!(storage instanceof LocalStorage)) return { removed };
  for (const bucket of BUCKETS) {
    const bucketDir = path.join(storage.root, bucket);
    for (const owner of await entries(bucketDir)) {
      if (!owner.isDirectory()) continue;
      const ownerDir = path.join(bucketDir, owner.name);
      const candidates: string[] = [];
      for (const file of await entries(ownerDir)) {
        if (!file.isFile()) continue;
        const full = path.join(ownerDir, file.name);
        const info = await stat(full).catch(() => undefined);
        if (!info || now - info.mtimeMs < GRACE_MS) continue;
        if (file.name.endsWith('.tmp')) {
          await rm(full, { force: true });
          removed.push(full);
        } else if (OBJECT_PATH.test(`${owner.name}/${file.name}`)) {
          candidates.push(`${owner.name}/${file.name}`);
        }
      }
      const kept = await referenced(db, bucket, candidates);
      for (const objectPath of candidates) {
        if (kept.has(objectPath)) continue;
        const full = storage.filePath(bucket, objectPath);
        await rm(full, { force: true });
        removed.push(full);
      }
    }
  }
  return { removed };
}

/** Sweeps every hour (the first a minute after start); logs, and never throws. */
export function startUploadSweep(app: App, log: Log = app.log): () => void {
  let running = false;
  const tick = async () => {
    if (running) return;
    running = true;
    try {
      const { removed } = await sweepUploads(app.db, app.storage);
      if (removed.length > 0) log.info({ removed }, 'orphaned upload files removed');
    } catch (error) {
      log.warn({ err: error }, 'sweeping orphaned upload files failed');
    } finally {
      running = false;
    }
  };
  const first = setTimeout(() => void tick(), FIRST_SWEEP_MS);
  first.unref();
  const every = setInterval(() => void tick(), SWEEP_EVERY_MS);
  every.unref();
  return () => {
    clearTimeout(first);
    clearInterval(every);
  };
}
