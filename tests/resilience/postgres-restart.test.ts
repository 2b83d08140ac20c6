import { afterAll, describe, expect, it } from 'vitest';
import { openDatabase } from '../../src/db/index.js';
import { migrateToLatest } from '../../src/db/migrator.js';
import { type ServerProcess, startServer } from '../helpers/server-process.js';
import {
  postgresBin,
  startThrowawayPostgres,
  type ThrowawayPostgres,
} from '../helpers/throwaway-postgres.js';

/**
 * Fault injection (docs/resilience.md): the API under load while its PostgreSQL restarts.
 * The process lives; during the outage a request is answered 503 `unavailable` (never a 500,
 * never a dropped connection); once the server is back, every request succeeds. The server
 * restarted is a throwaway one this test starts (tests/helpers/throwaway-postgres.ts).
 */
const bin = postgresBin();
let postgres: ThrowawayPostgres | undefined;
let server: ServerProcess | undefined;
afterAll(async () => {
  await server?.stop();
  await postgres?.stop();
});

describe.runIf(bin)('PostgreSQL restarting under load', () => {
  it('costs 503s during the outage, never a 500 or the process', { timeout: 150_000 }, async () => {
    postgres = await startThrowawayPostgres(bin!);
    const database = await openDatabase({ databaseUrl: postgres.url, pgliteDataDir: '' });
    await migrateToLatest(database.db);
    await database.close();
    server = await startServer({ DATABASE_URL: postgres.url, DATABASE_POOL_MAX: '5' });
    const { base } = server;

    const statuses = new Map<string, number>();
    let phase: 'before' | 'restart' | 'after' = 'before';
    const count = (key: string) => statuses.set(key, (statuses.get(key) ?? 0) + 1);
    const errorShapes: unknown[] = [];
    let running = true;
    const worker = async () => {
      while (running) {
        try {
          const res = await fetch(`${base}/posts?limit=5`);
          const body = (await res.json()) as { error?: { code?: string; request_id?: string } };
          count(`${phase} ${res.status}`);
          if (res.status !== 200 && !(body.error?.code && body.error.request_id)) {
            errorShapes.push(body);
          }
        } catch {
          count(`${phase} connection error`);
        }
      }
    };
    const workers = Array.from({ length: 8 }, worker);
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    phase = 'restart';
    await postgres.restart();
    phase = 'after';
    // the pool replaces its broken connections on the next requests; then all must succeed
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    for (const key of [...statuses.keys()]) if (key.startsWith('after')) statuses.delete(key);
    await new Promise((resolve) => setTimeout(resolve, 2_000));
    running = false;
    await Promise.all(workers);

    const summary = Object.fromEntries([...statuses].sort());
    console.log('PostgreSQL restart under load:', JSON.stringify(summary));
    expect(server.child.exitCode).toBeNull();
    const keys = Object.keys(summary);
    // during the restart: 200 or 503, nothing else
    expect(keys.filter((k) => k.startsWith('restart') && !/ (200|503)$/.test(k))).toEqual([]);
    // before and once it is back: only 200s
    expect(keys.filter((k) => !k.startsWith('restart') && !k.endsWith(' 200'))).toEqual([]);
    expect(summary['after 200']).toBeGreaterThan(0);
    expect(errorShapes).toEqual([]);
  });
});
