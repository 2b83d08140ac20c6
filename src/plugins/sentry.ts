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
let Sentry: typeof import('@sentry/node') | undefined;

/**
 * The SDK is imported only when SENTRY_DSN is set: it is the largest import of the service
 * (about half of the start time of `npm run dev`), for a feature development leaves off.
 */
export async function initSentry(config: Config): Promise<void> {
  if (!config.sentryDsn || Sentry) return;
  const sdk = await import('@sentry/node');
  sdk.init({
    dsn: config.sentryDsn,
    environment: config.env,
    tracesSampleRate: 0,
    integrations: [sdk.fastifyIntegration({ shouldHandleError: () => false })],
  });
  Sentry = sdk;
}

export function reportError(error: unknown, request: FastifyRequest): void {
  const sdk = Sentry;
  if (!sdk) return;
  sdk.withScope((scope) => {
    scope.setTag('request_id', request.id);
    scope.setContext('request', { method: request.method, route: request.routeOptions.url });
    if (request.auth) scope.setUser({ id: request.auth.userId });
    sdk.captureException(error);
  });
}

export async function flushSentry(): Promise<void> {
  if (Sentry) await Sentry.flush(2_000);
}
