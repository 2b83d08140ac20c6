import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';

/**
 * A graceful stop with keep-alive clients (docs/resilience.md). `app.close()` stops accepting,
 * closes the idle connections and waits for the requests in flight; but a connection whose
 * request was in flight turns idle again once answered, and then kept `close()` waiting until
 * the keep-alive timeout (the process was killed first, so the database was never closed nor
 * Sentry flushed). Once closing, every answer says `Connection: close`, so each connection
 * ends with its last answer.
 */
export const gracefulClosePlugin = fp(async (app: FastifyInstance) => {
  let closing = false;
  app.addHook('preClose', async () => {
    closing = true;
  });
  app.addHook('onSend', async (_request, reply) => {
    if (closing) reply.header('connection', 'close');
  });
});
