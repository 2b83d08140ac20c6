import { createServer } from 'node:net';
import path from 'node:path';
import { buildApp } from './app.js';
import { ConfigError, loadConfig, loadEnvFile } from './config.js';
import {
  type Database,
  DatabaseInUseError,
  DatabaseUnreachableError,
  openDatabase,
  waitForDatabase,
} from './db/index.js';
import { migrateToLatest, pendingMigrations } from './db/migrator.js';
import { startScheduler } from './jobs/refresh-views.js';
import { startUploadSweep } from './jobs/sweep-uploads.js';
import { startWriteBehind } from './jobs/write-behind.js';
import { flushSentry, initSentry } from './plugins/sentry.js';

/**
 * Starts the API: configuration, database (the embedded one migrates itself), HTTP, the
 * scheduler; on SIGTERM or SIGINT it stops accepting, drains requests and closes the pool.
 */
async function main() {
  loadEnvFile();
  let config: ReturnType<typeof loadConfig>;
  try {
    config = loadConfig();
  } catch (error) {
    if (error instanceof ConfigError) {
      console.error(`configuration error: ${error.message}`);
      process.exit(1);
    }
    throw error;
  }
  await initSentry(config);
  // before the database, which takes seconds to open: a busy port is said at once
  if (!(await portIsFree(config.host, config.port))) stopOnBusyPort(config.host, config.port);

  let database: Database;
  try {
    database = await openDatabase(config);
    await waitForDatabase(database);
  } catch (error) {
    // another process on the embedded database's folder, or a database we cannot use: one
    // line that says which, and no server answering errors to everything
    if (error instanceof DatabaseInUseError || error instanceof DatabaseUnreachableError) {
      console.error(`database error: ${error.message}`);
      process.exit(1);
    }
    throw error;
  }
  if (database.kind === 'pglite') {
    await migrateToLatest(database.db);
  } else {
    const pending = await pendingMigrations(database.db);
    if (pending.length) {
      // /health answers 503 (migrations_pending) until they are applied
      console.warn(
        `warning: ${pending.length} migration(s) pending (${pending.join(', ')}); run npm run db:migrate`,
      );
    }
  }

  const app = await buildApp({ config, database });
  const stopViews = config.schedulerEnabled ? startScheduler(app) : () => {};
  const stopSweep = config.schedulerEnabled ? startUploadSweep(app) : () => {};
  const stopWriteBehind = config.schedulerEnabled ? startWriteBehind(app) : () => {};
  const stopScheduler = () => {
    stopViews();
    stopSweep();
    stopWriteBehind();
  };

  let closing = false;
  const shutdown = async (signal: string) => {
    if (closing) return;
    closing = true;
    app.log.info({ signal }, 'shutting down');
    const force = setTimeout(() => process.exit(1), 10_000);
    force.unref();
    stopScheduler();
    await app.close();
    await database.close();
    await flushSentry();
    process.exit(0);
  };
  process.on('SIGTERM', () => void shutdown('SIGTERM'));
  process.on('SIGINT', () => void shutdown('SIGINT'));

  await app.listen({ port: config.port, host: config.host }).catch((error: unknown) => {
    if ((error as { code?: string }).code === 'EADDRINUSE') {
      stopOnBusyPort(config.host, config.port);
    }
    throw error;
  });
  const address = app.server.address();
  const port = typeof address === 'object' && address ? address.port : config.port;
  const base = `http://${config.host.includes(':') ? `[${config.host}]` : config.host}:${port}`;
  const lines = [
    `PageShare API listening on ${base}`,
    `  docs:     ${base}/docs  (OpenAPI: ${base}/openapi.json)`,
    `  database: ${database.describe}`,
    config.jwtSecretGenerated
      ? `  token:    npm run token -- --user <uuid> [--admin]   (signed with the development secret in ${path.join(config.dataDir, 'secrets.json')})`
      : `  tokens:   Supabase access tokens${config.supabaseUrl ? ` of ${config.supabaseUrl}` : ' (SUPABASE_JWT_SECRET)'}`,
  ];
  if (config.env === 'production') app.log.info({ base, database: database.describe }, 'listening');
  else console.log(lines.join('\n'));
}

/** Whether a server could listen on host:port now (port 0 is always free). */
function portIsFree(host: string, port: number): Promise<boolean> {
  if (port === 0) return Promise.resolve(true);
  return new Promise((resolve) => {
    const probe = createServer();
    probe.once('error', (error: NodeJS.ErrnoException) => resolve(error.code !== 'EADDRINUSE'));
    probe.listen({ host, port, exclusive: true }, () => probe.close(() => resolve(true)));
  });
}

function stopOnBusyPort(host: string, port: number): never {
  console.error(
    `port ${port} is busy on ${host} (another PageShare API, or npm run dev?): ` +
      `stop it, or set PORT to another port (PORT=${port + 1} npm start)`,
  );
  process.exit(1);
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
