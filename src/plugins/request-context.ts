import { randomUUID } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import { redactUrl } from '../lib/urls.js';

/** A client's x-request-id is kept when it is 1-64 of [A-Za-z0-9._-]; otherwise we make one. */
const CLIENT_ID = /^[A-Za-z0-9._-]{1,64}$/;
export const SLOW_REQUEST_MS = 500;

export function requestIdOf(header: string | string[] | undefined): string {
  const value = Array.isArray(header) ? header[0] : header;
  return value && CLIENT_ID.test(value) ? value : randomUUID();
}

/** The path and query of a request as a log line shows it: a token in the query is hidden. */
export function loggedUrl(url: string): string {
  return redactUrl(url).slice(0, 500);
}

/**
 * Echoes the request id on every response, and logs each request once, when it is answered:
 * `GET /posts?limit=2 200 12 ms` with the method, route, status and time as fields (one JSON
 * line in production; one readable line at a developer's terminal). Slow requests are
 * warnings. Fastify's own two entries a request are turned off where the app is built.
 */
export const requestContextPlugin = fp(async (app: FastifyInstance) => {
  app.addHook('onRequest', async (request, reply) => {
    reply.header('x-request-id', request.id);
  });
  app.addHook('onResponse', async (request, reply) => {
    const elapsed = Math.round(reply.elapsedTime);
    const slow = reply.elapsedTime > SLOW_REQUEST_MS;
    const url = loggedUrl(request.url);
    request.log[slow ? 'warn' : 'info'](
      {
        method: request.method,
        url,
        route: request.routeOptions.url,
        status: reply.statusCode,
        elapsed_ms: elapsed,
      },
      `${request.method} ${url} ${reply.statusCode} ${elapsed} ms${slow ? ' (slow request)' : ''}`,
    );
  });
});
