import { execFileSync } from 'node:child_process';
import os from 'node:os';
import type pg from 'pg';
import { encodeCursor } from '../../src/core/keyset.js';
import { ROOT_DIR } from '../lib/common.js';

export interface Machine {
  cpu: string;
  cores: number;
  memoryGb: number;
  node: string;
  postgres: string;
  postgresSettings: string;
  commit: string;
  dirty: boolean;
  loadAverage: string;
}

export async function machineInfo(client: pg.Pool): Promise<Machine> {
  const version = await client.query<{ v: string }>(
    "select current_setting('server_version') as v",
  );
  const settings = await client.query<{ name: string; setting: string }>(
    `select name, current_setting(name) as setting from pg_settings
     where name in ('shared_buffers', 'work_mem', 'effective_cache_size', 'max_connections', 'jit')
     order by name`,
  );
  const git = (...args: string[]) => {
    try {
      return execFileSync('git', args, { cwd: ROOT_DIR, encoding: 'utf8' }).trim();
    } catch {
      return '';
    }
  };
  return {
    cpu: os.cpus()[0]?.model.trim() ?? 'unknown',
    cores: os.cpus().length,
    memoryGb: Math.round(os.totalmem() / 2 ** 30),
    node: process.version,
    postgres: version.rows[0]?.v ?? 'unknown',
    postgresSettings: settings.rows.map((s) => `${s.name} ${s.setting}`).join(', '),
    commit: git('rev-parse', '--short', 'HEAD') || 'unknown',
    dirty: git('status', '--porcelain', '--untracked-files=no') !== '',
    loadAverage: os
      .loadavg()
      .map((l) => l.toFixed(2))
      .join(' '),
  };
}

/**
 * A cursor `depth` posts back in the all-posts feed: by walking the feed 100 at a time when it
 * answers (whatever its cursors look like), else made with encodeCursor from the depth-th
 * newest live post (what a keyset cursor on (created_at, id) holds).
 */
export async function deepCursor(
  base: string,
  headers: Record<string, string>,
  pool: pg.Pool,
  depth: number,
): Promise<{ cursor: string; how: string }> {
  let cursor: string | null = null;
  let seen = 0;
  while (seen < depth) {
    const limit = Math.min(100, depth - seen);
    const url: string = `${base}/feed?type=all&limit=${limit}${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`;
    const res = await fetch(url, { headers });
    if (!res.ok) break;
    const page = (await res.json()) as { items?: unknown[]; next_cursor?: string | null };
    if (!page.items?.length || !page.next_cursor) break;
    seen += page.items.length;
    cursor = page.next_cursor;
  }
  if (cursor && seen >= depth) return { cursor, how: `walked ${seen} posts through GET /feed` };
  const { rows } = await pool.query<{ created_at: Date; id: string }>(
    `select created_at, id from posts where deleted_at is null
     order by created_at desc, id desc offset $1 limit 1`,
    [depth - 1],
  );
  const row = rows[0];
  if (!row) throw new Error(`the database has fewer than ${depth} live posts`);
  return {
    cursor: encodeCursor(row.created_at, row.id),
    how: `encodeCursor of the ${depth.toLocaleString('en-US')}th newest live post (the feed did not answer)`,
  };
}
