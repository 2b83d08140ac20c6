import cors from '@fastify/cors';
import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import helmet from 'helmet';

/**
 * Security headers and CORS. The API answers JSON, so its content security policy forbids
 * everything; the pages that need scripts (/docs, /admin) set their own.
 *
 * The headers are helmet's, worked out once at start: they depend on the configuration only,
 * and @fastify/helmet rebuilt helmet's middleware (and re-parsed the policy) on every request,
 * 2 % of the CPU of a feed page under load.
 */
export const securityPlugin = fp(async (app: FastifyInstance) => {
  const headers = helmetHeaders({
    contentSecurityPolicy: {
      directives: { defaultSrc: ["'none'"], frameAncestors: ["'none'"] },
    },
    crossOriginResourcePolicy: { policy: 'cross-origin' },
    strictTransportSecurity: app.config.env === 'production',
  });
  app.addHook('onRequest', (_request, reply, done) => {
    reply.headers(headers);
    done();
  });

  const origins = app.config.corsOrigins;
  await app.register(cors, {
    origin: origins.includes('*') ? true : origins,
    methods: ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE'],
    allowedHeaders: ['Authorization', 'Content-Type', 'X-Request-Id'],
    exposedHeaders: ['X-Request-Id', 'Retry-After', 'Content-Disposition'],
    maxAge: 600,
    // an OPTIONS request that is not a browser's preflight (no Origin) is answered 204 with
    // the allowed methods, not with @fastify/cors' plain-text 400 outside the error shape
    strictPreflight: false,
  });
});

/** The headers helmet's middleware sets with these options, as one object. */
export function helmetHeaders(options: Parameters<typeof helmet>[0]): Record<string, string> {
  const headers: Record<string, string> = {};
  const response = {
    setHeader(name: string, value: string) {
      headers[name.toLowerCase()] = value;
    },
    removeHeader(name: string) {
      delete headers[name.toLowerCase()];
    },
  };
  let done = false;
  helmet(options)({} as never, response as never, () => {
    done = true;
  });
  // helmet's middleware is synchronous; if a version ever stops being so, fail at start
  if (!done) throw new Error('helmet did not finish synchronously');
  return headers;
}
