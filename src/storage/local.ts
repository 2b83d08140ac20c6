import { randomUUID } from 'node:crypto';
import { mkdir, rename, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { type Bucket, OBJECT_PATH, type Storage } from './storage.js';

/** URL prefix under which the API serves the local driver's files (plugins/storage.ts). */
export const LOCAL_FILES_PREFIX = '/files';

/**
 * Files under STORAGE_LOCAL_DIR/<bucket>/<path>, served by the API at
 * PUBLIC_BASE_URL/files/<bucket>/<path>. A file is written under a temporary name and renamed
 * into place, so a reader never sees half of one.
 */
export class LocalStorage implements Storage {
  readonly driver = 'local' as const;

  constructor(
    readonly root: string,
    private readonly baseUrl: string,
  ) {}

  /** The file of an object; throws for a path that is not one we generate (no `..` tricks). */
  filePath(bucket: Bucket, objectPath: string): string {
    if (!OBJECT_PATH.test(objectPath)) throw new Error(`not an object path: ${objectPath}`);
    return path.join(this.root, bucket, ...objectPath.split('/'));
  }

  async put(bucket: Bucket, objectPath: string, data: Buffer): Promise<void> {
    const file = this.filePath(bucket, objectPath);
    await mkdir(path.dirname(file), { recursive: true });
    const temporary = `${file}.${randomUUID()}.tmp`;
    try {
      await writeFile(temporary, data, { flag: 'wx' });
      await rename(temporary, file);
    } catch (error) {
      await rm(temporary, { force: true });
      throw error;
    }
  }

  async remove(bucket: Bucket, paths: string[]): Promise<void> {
    await Promise.all(paths.map((p) => rm(this.filePath(bucket, p), { force: true })));
  }

  publicUrl(bucket: Bucket, objectPath: string): string {
    return `${this.baseUrl}${LOCAL_FILES_PREFIX}/${bucket}/${objectPath}`;
  }
}
