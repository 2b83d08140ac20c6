import type { IncomingMessage, ServerResponse } from 'node:http';
import { type App, buildApp } from '../src/app.js';
import { ConfigError, loadConfig } from '../src/config.js';
import { openDatabase } from '../src/db/index.js';
import { initSentry } from '../src/plugins/sentry.js';

/**
 * The Vercel function: every path is rewritten here (vercel.json). The app is built once per
 * instance and reused by the requests it serves. The embedded database has no place on a
 * serverless platform, so DATABASE_URL is required; the materialized views are refreshed by
 * Vercel Cron (GET /internal/cron/refresh-views), not by an in-process scheduler.
 */
let app: Promise<App> | undefined;

async function build(): Promise<App> {
  const config = loadConfig();
  if (!config.databaseUrl) {
    throw new ConfigError('DATABASE_URL is required on Vercel (the embedded database is not kept)');
  }
  await initSentry(config);
  // a serverless instance serves one request at a time: a few connections are plenty, and
  // Supabase's pooler multiplexes them
  const database = await openDatabase({
    ...config,
    databasePoolMax: Math.min(config.databasePoolMax, 3),
  });
  const instance = await buildApp({ config, database });
  instance.addHook('onClose', () => database.close());
  await instance.ready();
  return instance;
}

export default async function handler(req: IncomingMessage, res: ServerResponse): Promise<void> {
  app ??= build().catch((error: unknown) => {
    app = undefined; // try again on the next request
    throw error;
  });
  let instance: App;
  try {
    instance = await app;
  } catch (error) {
    console.error(error instanceof ConfigError ? `configuration error: ${error.message}` : error);
    res.statusCode = 503;
    res.setHeader('content-type', 'application/json; charset=utf-8');
    res.end(
      JSON.stringify({
        error: { code: 'unavailable', message: 'the service is not configured', request_id: '' },
      }),
    );
    return;
  }
  instance.server.emit('request', req, res);
}
