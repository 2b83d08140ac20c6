import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../src/app.js';
import { openDatabase } from '../../src/db/index.js';
import { translatePgError } from '../../src/lib/pg-errors.js';
import { mintToken } from '../../src/lib/tokens.js';
import { testConfig } from '../helpers/app.js';
import { TEST_JWT_SECRET } from '../helpers/env.js';
import { expectError } from '../helpers/factories.js';
import { type FakePostgres, startFakePostgres } from '../helpers/fake-postgres.js';

/**
 * What the service does when its PostgreSQL goes away (docs/resilience.md): the process lives
 * on, and a request that needs the database is a 503 `unavailable`, never a 500. A fake server
 * (tests/helpers/fake-postgres.ts) plays the failures a real one shows only during a restart;
 * tests/resilience/postgres-restart.test.ts restarts a real one under load.
 */
const fakes: FakePostgres[] = [];
afterAll(async () => {
  await Promise.all(fakes.map((fake) => fake.close()));
});

async function fake(mode: Parameters<typeof startFakePostgres>[0]) {
  const server = await startFakePostgres(mode);
  fakes.push(server);
  return server;
}

/** POST /auth/verify with a valid token: it reads the caller's profile from the database. */
async function verifyAgainst(databaseUrl: string, connectTimeoutMs?: number) {
  const database = await openDatabase({
    databaseUrl,
    pgliteDataDir: '',
    ...(connectTimeoutMs ? { connectTimeoutMs } : {}),
  });
  const app = await buildApp({ config: testConfig(), database });
  try {
    const token = await mintToken({
      userId: '6f1c0a1e-0000-4000-8000-0000000000d1',
      secret: TEST_JWT_SECRET,
    });
    return await app.inject({
      method: 'POST',
      url: '/auth/verify',
      headers: { authorization: `Bearer ${token}` },
    });
  } finally {
    await app.close();
    await database.close();
  }
}

describe('a database that goes away', () => {
  it('a connection lost while a request holds it fails that request, not the process', async () => {
    const server = await fake('dies-in-transaction');
    // asynchronously: the fake server lives in this process and must keep answering
    const child = await promisify(execFile)(
      process.execPath,
      ['--import', 'tsx', 'tests/resilience/fixtures/lost-connection.ts', server.url],
      { encoding: 'utf8', timeout: 20_000 },
    ).catch((error: { code?: number; stderr?: string; stdout?: string }) => error);
    expect(child.stderr).not.toMatch(/57P01|terminating connection/);
    expect(JSON.parse(String(child.stdout).trim())).toEqual({ outcome: 'unavailable' });
  });

  it('a server that is starting up (57P03) is a 503, not a 500', async () => {
    const server = await fake('starting-up');
    expectError(await verifyAgainst(server.url), 503, 'unavailable');
  });

  it('a server that never answers is a 503 once the connect timeout passes', async () => {
    const server = await fake('silent');
    expectError(await verifyAgainst(server.url, 300), 503, 'unavailable');
  });

  it('a closed port is a 503', async () => {
    expectError(await verifyAgainst('postgres://postgres@127.0.0.1:9/none'), 503, 'unavailable');
  });

  it('translates the errors a restart shows', () => {
    const codes = ['57P01', '57P02', '57P03', '08006', '3D000', '53300'];
    for (const code of codes) {
      expect(translatePgError(Object.assign(new Error('x'), { code }))?.code).toBe('unavailable');
    }
    for (const text of ['timeout exceeded when trying to connect', 'Connection terminated']) {
      expect(translatePgError(new Error(text))?.code).toBe('unavailable');
    }
    expect(translatePgError(new Error('something else'))).toBeUndefined();
  });
});
