import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type App, buildApp } from '../../../src/app.js';
import { type Database, openDatabase } from '../../../src/db/index.js';
import { createTestApp, type TestApp, testConfig } from '../../helpers/app.js';
import { isPostgres } from '../../helpers/database.js';
import { createPost, createUser } from '../../helpers/factories.js';
import { openSse } from '../../helpers/sse.js';

async function listen(app: App): Promise<string> {
  await app.listen({ host: '127.0.0.1', port: 0 });
  return `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
}

/**
 * On PostgreSQL, every instance of the same database receives every write (LISTEN/NOTIFY):
 * two apps, each with its own pool and its own listener, as two processes would have. On the
 * embedded database there is one instance, and it streams its own writes.
 */
describe('streams across instances', () => {
  let t: TestApp;
  let second: { app: App; database: Database } | undefined;
  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(async () => {
    await second?.app.close();
    await second?.database.close();
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
