import { type Bucket, type Storage, StorageError } from './storage.js';

/**
 * Supabase Storage through its REST API with the service role key (which bypasses the
 * buckets' row level security: the API has already checked who may upload). Plain fetch
 * rather than @supabase/storage-js: we need two calls, and the client's releases after
 * 2.109.0 require Node 22 (see docs/decisions.md). The buckets are public, so a file's URL
 * is its public object URL and needs no signing.
 */
const TIMEOUT_MS = 20_000;
/** Objects are never overwritten (each upload has a new path), so browsers may keep them. */
const CACHE_SECONDS = 31_536_000;

export class SupabaseStorage implements Storage {
  readonly driver = 'supabase' as const;
  private readonly base: string;

  constructor(
    supabaseUrl: string,
    private readonly serviceKey: string,
  ) {
    this.base = `${supabaseUrl.replace(/\/+$/, '')}/storage/v1`;
  }

  private headers(extra: Record<string, string>): Record<string, string> {
    return { authorization: `Bearer ${this.serviceKey}`, apikey: this.serviceKey, ...extra };
  }

  private async call(what: string, url: string, init: RequestInit): Promise<void> {
    let response: Response;
    try {
      response = await fetch(url, { ...init, signal: AbortSignal.timeout(TIMEOUT_MS) });
    } catch (error) {
      throw new StorageError(`storage ${what} failed: ${(error as Error).message}`, true);
    }
    if (response.ok) {
      await response.body?.cancel();
      return;
    }
    const text = (await response.text().catch(() => '')).slice(0, 300);
    throw new StorageError(
      `storage ${what} answered ${response.status}: ${text}`,
      response.status >= 500 || response.status === 429,
    );
  }

  async put(bucket: Bucket, path: string, data: Buffer, contentType: string): Promise<void> {
    await this.call('upload', this.objectUrl('object', bucket, path), {
      method: 'POST',
      headers: this.headers({
        'content-type': contentType,
        'cache-control': `max-age=${CACHE_SECONDS}`,
        'x-upsert': 'false',
      }),
      body: data,
    });
  }

  async remove(bucket: Bucket, paths: string[]): Promise<void> {
    if (!paths.length) return;
    // the bulk delete answers 200 for objects that are already gone, so removal is idempotent
    await this.call('delete', `${this.base}/object/${encodeURIComponent(bucket)}`, {
      method: 'DELETE',
      headers: this.headers({ 'content-type': 'application/json' }),
      body: JSON.stringify({ prefixes: paths }),
    });
  }

  publicUrl(bucket: Bucket, path: string): string {
    return this.objectUrl('object/public', bucket, path);
  }

  private objectUrl(kind: string, bucket: Bucket, path: string): string {
    const encoded = path.split('/').map(encodeURIComponent).join('/');
    return `${this.base}/${kind}/${encodeURIComponent(bucket)}/${encoded}`;
  }
}
