import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type {
  FastifyBaseLogger,
  FastifyInstance,
  RawReplyDefaultExpression,
  RawRequestDefaultExpression,
  RawServerDefault,
} from 'fastify';
import type { Config } from './config.js';
import type { Database, Db } from './db/index.js';

/**
 * The Fastify instance as every routes file receives it: TypeBox types, and what buildApp
 * (app.ts) decorates it with before anything else. It lives apart from app.ts so
 * that a module can name it without importing the file that imports every module.
 */
declare module 'fastify' {
  interface FastifyInstance {
    config: Config;
    database: Database;
    db: Db;
    /** The time rules are judged by (an edit window); tests may set it. */
    clock: () => Date;
  }
}

export type App = FastifyInstance<
  RawServerDefault,
  RawRequestDefaultExpression,
  RawReplyDefaultExpression,
  FastifyBaseLogger,
  TypeBoxTypeProvider
>;
