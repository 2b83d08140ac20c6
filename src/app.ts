import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import Fastify, {
  type FastifyBaseLogger,
  type FastifyInstance,
  type RawReplyDefaultExpression,
  type RawRequestDefaultExpression,
  type RawServerDefault,
} from 'fastify';
import type { Config } from './config.js';
import type { Database, Db } from './db/index.js';
import { buildRequestValidator } from './lib/request-validator.js';
import { modules } from './modules/index.js';
import { activityPlugin } from './plugins/activity.js';
import { authPlugin } from './plugins/auth.js';
import { docsPlugin } from './plugins/docs.js';
import { clientErrorHandler, errorsPlugin, frameworkErrors } from './plugins/errors.js';
import { rateLimitPlugin } from './plugins/rate-limit.js';
import { requestContextPlugin, requestIdOf } from './plugins/request-context.js';
import { securityPlugin } from './plugins/security.js';
import { storagePlugin } from './plugins/storage.js';

declare module 'fastify' {
  interface FastifyInstance {
    config: Config;
    database: Database;
    db: Db;
  }
}

/** The Fastify instance with TypeBox types, as every routes file receives it. */
export type App = FastifyInstance<
  RawServerDefault,
  RawRequestDefaultExpression,
  RawReplyDefaultExpression,
  FastifyBaseLogger,
  TypeBoxTypeProvider
>;

export interface BuildOptions {
  config: Config;
  database: Database;
}

/** JSON bodies are small (the largest is a client error report with 16 KB of context). */
const BODY_LIMIT = 64 * 1024;

export async function buildApp({ config, database }: BuildOptions): Promise<App> {
  const app = Fastify({
    logger: {
      level: config.logLevel,
      redact: ['req.headers.authorization', 'req.headers.cookie'],
      // readable lines for a developer at a terminal; JSON everywhere else
      ...(config.env === 'development' && process.stdout.isTTY
        ? {
            transport: {
              target: 'pino-pretty',
              options: { translateTime: 'HH:MM:ss.l', ignore: 'pid,hostname' },
            },
          }
        : {}),
    },
    genReqId: (req) => requestIdOf(req.headers['x-request-id']),
    requestIdHeader: false,
    trustProxy: config.trustProxy,
    bodyLimit: BODY_LIMIT,
    clientErrorHandler,
    frameworkErrors,
    schemaController: { compilersFactory: { buildValidator: buildRequestValidator } },
  }).withTypeProvider<TypeBoxTypeProvider>();

  app.decorate('config', config);
  app.decorate('database', database);
  app.decorate('db', database.db);

  await app.register(requestContextPlugin);
  await app.register(errorsPlugin);
  await app.register(securityPlugin);
  await app.register(authPlugin);
  await app.register(rateLimitPlugin);
  await app.register(activityPlugin);
  await app.register(docsPlugin);
  await app.register(storagePlugin);

  for (const routes of modules) await app.register(routes);
  return app;
}
