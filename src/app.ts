import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import Fastify, { type FastifyRequest, LogController } from 'fastify';
import type { App } from './app-type.js';
import type { Config } from './config.js';
import { findAccount, recordAdminUntil } from './core/users.js';
import type { Database } from './db/index.js';
import { trustedHop } from './lib/ip.js';
import { buildRequestValidator } from './lib/request-validator.js';
import { redactUrl } from './lib/urls.js';
import { recordBackendError } from './modules/errors/errors.repository.js';
import { modules } from './modules/index.js';
import { recordActivity } from './modules/metrics/activity.repository.js';
import { activityPlugin } from './plugins/activity.js';
import { authPlugin, rejectInvalidToken } from './plugins/auth.js';
import { docsPlugin } from './plugins/docs.js';
import { clientErrorHandler, errorsPlugin, frameworkErrors } from './plugins/errors.js';
import { gracefulClosePlugin } from './plugins/graceful-close.js';
import { jsonBodyPlugin } from './plugins/json-body.js';
import { jsonTextPlugin } from './plugins/json-text.js';
import { rateLimitPlugin } from './plugins/rate-limit.js';
import { requestContextPlugin, requestIdOf } from './plugins/request-context.js';
import { requestLimitsPlugin } from './plugins/request-limits.js';
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
    // the nearest proxy and internal hops behind it, never the client's own entries
    trustProxy: config.trustProxy ? trustedHop : false,
    bodyLimit: BODY_LIMIT,
    // a request must have arrived, headers and body, within REQUEST_TIMEOUT_S (408 in the
    // error shape, clientErrorHandler); Node looks for late ones every checking interval, and
    // ignores the request timeout while its headers timeout (60 s by default) is longer
    requestTimeout: config.requestTimeoutS * 1000,
    http: {
      requestTimeout: config.requestTimeoutS * 1000,
      headersTimeout: Math.min(60_000, config.requestTimeoutS * 1000),
      connectionsCheckingInterval: Math.min(5_000, config.requestTimeoutS * 500),
    },
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
  await app.register(jsonTextPlugin);
  await app.register(gracefulClosePlugin);
  await app.register(requestLimitsPlugin);
  await app.register(securityPlugin);
  await app.register(authPlugin, {
    loadAccount: (userId) => findAccount(db, userId),
    recordAdmin: (userId, until) => recordAdminUntil(db, userId, until),
    // routes of other packages' plugins, which cannot declare a level themselves
    otherRoutes: { 'OPTIONS *': 'public', 'GET /docs*': 'public', 'HEAD /docs*': 'public' },
  });
  await app.register(rateLimitPlugin);
  // after the rate limit, so that requests with a bad token count against their address
  app.addHook('onRequest', rejectInvalidToken);
  await app.register(activityPlugin, {
    recordActivity: (userId, requests, at) => recordActivity(db, userId, requests, at),
  });
  await app.register(docsPlugin);
  await app.register(storagePlugin);

  for (const routes of modules) await app.register(routes);
  return app;
}
