import * as Sentry from '@sentry/node';
import type { FastifyRequest } from 'fastify';
import type { Config } from '../config.js';

/**
 * Sentry, when SENTRY_DSN is set. Only unexpected errors (500s) are sent, by the error handler
 * (`reportError`), tagged with the request id so a report leads to the log lines of the same
 * request.
 *
 * Sentry's own Fastify integration also captures errors, on its own terms: it took a database
 * error that the error handler turns into a 409 (a unique violation) for a 500, and its event,
 * sent first and without the request id, made Sentry's deduplication drop ours. It is kept for
 * tracing only; deciding what is a bug stays with the error handler.
 */
let enabled = false;

export function initSentry(config: Config): void {
  if (!config.sentryDsn || enabled) return;
  Sentry.init({
    dsn: config.sentryDsn,
    environment: config.env,
    tracesSampleRate: 0,
    integrations: [Sentry.fastifyIntegration({ shouldHandleError: () => false })],
  });
  enabled = true;
}

export function reportError(error: unknown, request: FastifyRequest): void {
  if (!enabled) return;
  Sentry.withScope((scope) => {
    scope.setTag('request_id', request.id);
    scope.setContext('request', { method: request.method, route: request.routeOptions.url });
    if (request.auth) scope.setUser({ id: request.auth.userId });
    Sentry.captureException(error);
  });
}

export async function flushSentry(): Promise<void> {
  if (enabled) await Sentry.flush(2_000);
}
