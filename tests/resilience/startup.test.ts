import { mkdirSync, mkdtempSync, utimesSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { sql } from 'kysely';
import { afterAll, describe, expect, it } from 'vitest';
import { DatabaseInUseError, openDatabase } from '../../src/db/index.js';
import { useTestApp } from '../helpers/app.js';
import { type FakePostgres, startFakePostgres } from '../helpers/fake-postgres.js';
import { startServer } from '../helpers/server-process.js';

/**
 * What the service refuses at start rather than serving errors (docs/resilience.md): a second
 * process on one embedded-database folder, and a database it cannot use. And /health tells a
 * schema older than the code.
 */
const fakes: FakePostgres[] = [];
afterAll(async () => {
  await Promise.all(fakes.map((fake) => fake.close()));
});

describe('one process per embedded-database folder', () => {
  it('refuses a second process on the same folder, naming it', { timeout: 120_000 }, async () => {
    const folder = path.join(mkdtempSync(path.join(tmpdir(), 'pageshare-lock-')), 'pglite');
    const first = await openDatabase({ databaseUrl: undefined, pgliteDataDir: folder });
    try {
      const second = openDatabase({ databaseUrl: undefined, pgliteDataDir: folder, lockWaitMs: 0 });
      await expect(second).rejects.toThrow(DatabaseInUseError);
      await expect(second).rejects.toThrow(folder);
    } finally {
      await first.close();
    }
    // released on close: the next process opens it, and sees what the first one wrote
    const again = await openDatabase({ databaseUrl: undefined, pgliteDataDir: folder });
    try {
      expect((await sql<{ one: number }>`select 1 as one`.execute(again.db)).rows).toEqual([
        { one: 1 },
      ]);
    } finally {
      await again.close();
    }
  });

  it('takes over the lock of a process that died without releasing it', {
    timeout: 120_000,
  }, async () => {
    const folder = path.join(mkdtempSync(path.join(tmpdir(), 'pageshare-lock-')), 'pglite');
    // what kill -9 leaves: the lock, no longer refreshed
    mkdirSync(`${folder}.lock`, { recursive: true });
    const longAgo = new Date(Date.now() - 60_000);
    utimesSync(`${folder}.lock`, longAgo, longAgo);
    const database = await openDatabase({
      databaseUrl: undefined,
      pgliteDataDir: folder,
      lockWaitMs: 0,
    });
    await database.close();
  });
});

describe('a DATABASE_URL the service cannot use', () => {
  it('stops the start with one line naming the database, instead of serving 500s', async () => {
    const fake = await startFakePostgres('no-such-database');
    fakes.push(fake);
    const started = startServer({ DATABASE_URL: fake.url });
    const error = await started.then(
      () => new Error('the server started'),
      (e: Error) => e,
    );
    expect(error.message).toMatch(/exited \(1\)/);
    expect(error.message).toMatch(
      /database error: cannot use the database \(PostgreSQL at 127\.0\.0\.1:\d+\/fake\).*does not exist/,
    );
  }, 120_000);
});

describe('/health with migrations pending', () => {
  const t = useTestApp();

  it('answers 503 migrations_pending until they are applied', async () => {
    const [last] = await sql<{ name: string }>`
      select name from kysely_migration order by name desc limit 1`
      .execute(t.db)
      .then((r) => r.rows);
    const removed = await sql<{ name: string; timestamp: string }>`
      delete from kysely_migration where name = ${last!.name} returning *`.execute(t.db);
    const res = await t.request({ method: 'GET', url: '/health' });
    expect(res.statusCode).toBe(503);
    expect(res.json()).toMatchObject({ status: 'degraded', database: 'migrations_pending' });
    await sql`insert into kysely_migration (name, timestamp)
      values (${last!.name}, ${removed.rows[0]!.timestamp})`.execute(t.db);
    const healthy = await t.request({ method: 'GET', url: '/health' });
    expect(healthy.statusCode).toBe(200);
    expect(healthy.json()).toMatchObject({ status: 'ok', database: 'ok' });
  });
});
