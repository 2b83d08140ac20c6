import type { AddressInfo } from 'node:net';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type App, buildApp } from '../../../src/app.js';
import { type Database, openDatabase } from '../../../src/db/index.js';
import { createTestApp, type TestApp, testConfig } from '../../helpers/app.js';
import { isPostgres } from '../../helpers/database.js';
import { createPost, createUser } from '../../helpers/factories.js';
import { openSse, type SseStream } from '../../helpers/sse.js';

async function listen(app: App): Promise<string> {
  await app.listen({ host: '127.0.0.1', port: 0 });
  return `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
}

/**
 * With REDIS_URL the streams' announcements travel through Redis pub/sub: one instance (the
 * relay) holds the one LISTEN connection and publishes; every instance subscribes. It is a
 * feature of several instances, so it runs with the PostgreSQL suite (which needs its
 * services anyway: PostgreSQL, and Redis at 127.0.0.1:6379 or TEST_REDIS_URL); the embedded
 * database is one instance, and `npm test` on it needs nothing running. A test database of
 * its own gives each run its own channel.
 */
const REDIS_URL = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';

/** Reads a stream, resuming it as EventSource would whenever it ends, until `id` arrives. */
async function receive(base: string, path: string, first: SseStream, id: string): Promise<void> {
  let stream = first;
  for (let reconnects = 0; reconnects < 20; reconnects++) {
    for (;;) {
      const event = await stream.next(15_000).catch(() => undefined);
      if (!event) break;
      if (event.json().id === id) return;
    }
    stream = await openSse(`${base}${path}`, {
      ...(stream.lastEventId ? { lastEventId: stream.lastEventId } : {}),
    });
  }
  throw new Error(`${id} never arrived`);
}

/**
 * On PostgreSQL, every instance of the same database receives every write (LISTEN/NOTIFY):
 * two apps, each with its own pool and its own listener, as two processes would have. On the
 * embedded database there is one instance, and it streams its own writes.
 */
describe('streams across instances', () => {
  let t: TestApp;
  let second: { app: App; database: Database } | undefined;
  const relayed: TestApp[] = [];
  const relayInstances: Array<{ app: App; database: Database }> = [];
  const listeners = async (on: TestApp) => {
    const { rows } = await sql<{ n: number }>`select count(*)::int as n from pg_stat_activity
      where datname = current_database() and application_name = 'pageshare-listen'`.execute(on.db);
    return rows[0]!.n;
  };
  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(async () => {
    await second?.app.close();
    await second?.database.close();
    for (const other of relayInstances) {
      await other.app.close();
      await other.database.close();
    }
    for (const app of relayed) await app.close();
    await t?.close();
  });

  if (isPostgres()) {
    it('two instances on one PostgreSQL database deliver to each other’s streams', async () => {
      const database = await openDatabase({
        databaseUrl: t.testDb.url,
        pgliteDataDir: '',
        databasePoolMax: 5,
      });
      const app = await buildApp({ config: testConfig(), database });
      second = { app, database };
      const [baseA, baseB] = [await listen(t.app), await listen(app)];
      const author = await createUser(t);
      const onA = await openSse(`${baseA}/streams/tickers/MULTI`);
      const onB = await openSse(`${baseB}/streams/tickers/MULTI`);
      // written through A
      const viaA = await createPost(t, author, '$MULTI through the first instance');
      expect((await onB.next()).json()).toMatchObject({ id: viaA.id });
      expect((await onA.next()).json()).toMatchObject({ id: viaA.id });
      // written through B
      const res = await app.inject({
        method: 'POST',
        url: '/posts',
        headers: { authorization: `Bearer ${author.token}` },
        payload: { content: '$MULTI through the second instance' },
      });
      expect(res.statusCode, res.body).toBe(201);
      const viaB = res.json() as { id: string };
      expect((await onA.next()).json()).toMatchObject({ id: viaB.id });
      expect((await onB.next()).json()).toMatchObject({ id: viaB.id });
      onA.close();
      onB.close();
    });

    it('one instance listens and relays; posts through either reach both; another takes over when it stops', async () => {
      const a = await createTestApp({ REDIS_URL });
      relayed.push(a);
      const baseA = await listen(a.app);
      const onA = await openSse(`${baseA}/streams/tickers/RELAY`);
      expect(onA.status).toBe(200);
      // A opened the first stream: A relays
      const database = await openDatabase({
        databaseUrl: a.testDb.url,
        pgliteDataDir: '',
        databasePoolMax: 5,
      });
      const b = await buildApp({ config: testConfig({ REDIS_URL }), database });
      relayInstances.push({ app: b, database });
      const baseB = await listen(b);
      const onB = await openSse(`${baseB}/streams/tickers/RELAY`);
      expect(onB.status).toBe(200);
      expect(await listeners(a)).toBe(1);

      const author = await createUser(a);
      const viaA = await createPost(a, author, '$RELAY through the first instance');
      expect((await onA.next(10_000)).json()).toMatchObject({ id: viaA.id });
      expect((await onB.next(10_000)).json()).toMatchObject({ id: viaA.id });
      const res = await b.inject({
        method: 'POST',
        url: '/posts',
        headers: { authorization: `Bearer ${author.token}` },
        payload: { content: '$RELAY through the second instance' },
      });
      expect(res.statusCode, res.body).toBe(201);
      const viaB = res.json() as { id: string };
      expect((await onA.next(10_000)).json()).toMatchObject({ id: viaB.id });
      expect((await onB.next(10_000)).json()).toMatchObject({ id: viaB.id });

      // the relay stops: B takes the lease and the listener, its stream ends (a new term),
      // and its client resumes without losing the post written meanwhile
      onA.close();
      await a.app.close();
      const after = await b.inject({
        method: 'POST',
        url: '/posts',
        headers: { authorization: `Bearer ${author.token}` },
        payload: { content: '$RELAY after the relay stopped' },
      });
      expect(after.statusCode, after.body).toBe(201);
      const late = after.json() as { id: string };
      await receive(baseB, '/streams/tickers/RELAY', onB, late.id);
      // A's listener closed with it: the one left is B's
      expect(await listeners(a)).toBe(1);
      onB.close();
    }, 60_000);
  } else {
    it('the embedded database streams its one instance’s writes (LISTEN/NOTIFY of PGlite)', async () => {
      const base = await listen(t.app);
      const author = await createUser(t);
      const stream = await openSse(`${base}/streams/tickers/SOLO`);
      const post = await createPost(t, author, '$SOLO on PGlite');
      expect((await stream.next()).json()).toMatchObject({ id: post.id });
      stream.close();
    });
  }
});
