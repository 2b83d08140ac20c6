import { randomUUID } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';

/** A client's x-request-id is kept when it is 1-64 of [A-Za-z0-9._-]; otherwise we make one. */
const CLIENT_ID = /^[A-Za-z0-9._-]{1,64}$/;
export const SLOW_REQUEST_MS = 500;

export function requestIdOf(header: string | string[] | undefined): string {
  const value = Array.isArray(header) ? header[0] : header;
  return value && CLIENT_ID.test(value) ? value : randomUUID();
}

/** Echoes the request id on every response and warns about slow requests. */
export const requestContextPlugin = fp(async (app: FastifyInstance) => {
  app.addHook('onRequest', async (request, reply) => {
    reply.header('x-request-id', request.id);
  });
  app.addHook('onResponse', async (request, reply) => {
    if (reply.elapsedTime > SLOW_REQUEST_MS) {
      request.log.warn(
        {
          method: request.method,
          route: request.routeOptions.url,
          status: reply.statusCode,
          elapsed_ms: Math.round(reply.elapsedTime),
        },
        'slow request',
      );
    }
  });
});
