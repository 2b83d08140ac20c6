/**
 * A child process for tests/plugins/sentry.test.ts: the app as src/server.ts starts it, Sentry
 * included (SENTRY_DSN from the environment), with one extra route that fails, on the embedded
 * database. Sentry patches modules process-wide when it starts, so it runs apart from the test
 * workers. Prints `{"port": n}` once it listens; SIGTERM flushes Sentry and exits.
 */
import { buildApp } from '../../src/app.js';
import { loadConfig } from '../../src/config.js';
import { openDatabase } from '../../src/db/index.js';
import { migrateToLatest } from '../../src/db/migrator.js';
import { flushSentry, initSentry } from '../../src/plugins/sentry.js';
import { TEST_IP_HASH_SECRET, TEST_JWT_SECRET } from './env.js';

const config = loadConfig({
  NODE_ENV: 'test',
  SENTRY_DSN: process.env.SENTRY_DSN,
  DATA_DIR: process.env.DATA_DIR,
  PGLITE_DATA_DIR: 'memory://',
  SUPABASE_JWT_SECRET: TEST_JWT_SECRET,
  IP_HASH_SECRET: TEST_IP_HASH_SECRET,
  RATE_LIMIT_MAX: '0',
  SCHEDULER_ENABLED: 'false',
  LOG_LEVEL: 'silent',
});
await initSentry(config);
const database = await openDatabase(config);
await migrateToLatest(database.db);
const app = await buildApp({ config, database });
app.get('/test/boom', { config: { auth: 'public' } }, async () => {
  throw new Error('the sentry test route failed on purpose');
});
app.get('/test/conflict', { config: { auth: 'public' } }, async () => {
  // what pg throws for a unique violation: the error handler answers 409, not a bug
  throw Object.assign(new Error('duplicate key value violates unique constraint'), {
    code: '23505',
    constraint: 'users_username_key',
  });
});
await app.listen({ host: '127.0.0.1', port: 0 });
const address = app.server.address();
console.log(JSON.stringify({ port: typeof address === 'object' && address ? address.port : 0 }));

process.on('SIGTERM', async () => {
  await flushSentry();
  await app.close();
  await database.close();
  process.exit(0);
});
