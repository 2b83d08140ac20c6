import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import Fastify, { type FastifyRequest, LogController } from 'fastify';
import type { App } from './app-type.js';
import type { Config } from './config.js';
import { findAccount } from './core/users.js';
import type { Database } from './db/index.js';
import { buildRequestValidator } from './lib/request-validator.js';
import { redactUrl } from './lib/urls.js';
import { recordBackendError } from './modules/errors/errors.repository.js';
import { modules } from './modules/index.js';
import { recordActivity } from './modules/metrics/activity.repository.js';
import { activityPlugin } from './plugins/activity.js';
import { authPlugin } from './plugins/auth.js';
import { docsPlugin } from './plugins/docs.js';
import { clientErrorHandler, errorsPlugin, frameworkErrors } from './plugins/errors.js';
import { jsonBodyPlugin } from './plugins/json-body.js';
import { rateLimitPlugin } from './plugins/rate-limit.js';
import { requestContextPlugin, requestIdOf } from './plugins/request-context.js';
import { securityPlugin } from './plugins/security.js';
import { storagePlugin } from './plugins/storage.js';

export type { App } from './app-type.js';

export interface BuildOptions {
  config: Config;
  database: Database;
  /** Where the log goes instead of stdout (tests read it). */
  logStream?: { write(line: string): void };
}

/**
 * At a developer's terminal: one line an entry, `11:02:03.456 INFO GET /posts 200 12 ms`; the
 * request's fields stay in the JSON of production and are left off the line.
 */
export const DEV_LOG_FORMAT = {
  translateTime: 'HH:MM:ss.l',
  singleLine: true,
  ignore: 'pid,hostname,reqId,method,url,route,status,elapsed_ms',
};

/** JSON bodies are small (the largest is a client error report with 16 KB of context). */
const BODY_LIMIT = 64 * 1024;

/**
 * Assembles the service (docs/architecture.md): the cross-cutting plugins, each handed what it
 * needs from the features (plugins import no feature), then every feature module's routes.
 */
export async function buildApp({ config, database, logStream }: BuildOptions): Promise<App> {
  const app = Fastify({
    logger: {
      level: config.logLevel,
      redact: ['req.headers.authorization', 'req.headers.cookie'],
      // a stream's ?access_token= never reaches a log line
      serializers: {
        req: (request: FastifyRequest) => ({
          method: request.method,
          url: redactUrl(request.url),
          host: request.host,
          remoteAddress: request.ip,
          remotePort: request.socket?.remotePort,
        }),
      },
      ...(logStream ? { stream: logStream } : {}),
      // readable lines for a developer at a terminal; JSON everywhere else
      ...(config.env === 'development' && process.stdout.isTTY && !logStream
        ? {
            transport: {
              target: 'pino-pretty',
              options: DEV_LOG_FORMAT,
            },
          }
        : {}),
    },
    // one entry a request, written when it is answered (plugins/request-context.ts)
    logController: new LogController({ disableRequestLogging: true }),
    genReqId: (req) => requestIdOf(req.headers['x-request-id']),
    requestIdHeader: false,
    trustProxy: config.trustProxy,
    bodyLimit: BODY_LIMIT,
    clientErrorHandler,
    frameworkErrors,
    schemaController: { compilersFactory: { buildValidator: buildRequestValidator } },
  }).withTypeProvider<TypeBoxTypeProvider>();

  const db = database.db;
  app.decorate('config', config);
  app.decorate('database', database);
  app.decorate('db', db);
  app.decorate('clock', () => new Date());

  await app.register(requestContextPlugin);
  await app.register(errorsPlugin, { recordError: (error) => recordBackendError(db, error) });
  await app.register(jsonBodyPlugin);
  await app.register(securityPlugin);
  await app.register(authPlugin, {
    loadAccount: (userId) => findAccount(db, userId),
    // routes of other packages' plugins, which cannot declare a level themselves
    otherRoutes: { 'OPTIONS *': 'public', 'GET /docs*': 'public', 'HEAD /docs*': 'public' },
  });
  await app.register(rateLimitPlugin);
  await app.register(activityPlugin, {
    recordActivity: (userId, requests, at) => recordActivity(db, userId, requests, at),
  });
  await app.register(docsPlugin);
  await app.register(storagePlugin);

  for (const routes of modules) await app.register(routes);
  return app;
}
