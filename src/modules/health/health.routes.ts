import { Type } from 'typebox';
import type { App } from '../../app-type.js';
import { version } from '../../version.js';

const Healthy = Type.Object({
  status: Type.Literal('ok'),
  database: Type.Literal('ok'),
  version: Type.String(),
  uptime_s: Type.Integer(),
});
const Degraded = Type.Object({
  status: Type.Literal('degraded'),
  database: Type.Literal('unreachable'),
  version: Type.String(),
  uptime_s: Type.Integer(),
});

export default async function healthRoutes(app: App) {
  app.get(
    '/health',
    {
      config: { auth: 'public' },
      schema: {
        operationId: 'getHealth',
        summary: 'Liveness and database check',
        tags: ['health'],
        response: { 200: Healthy, 503: Degraded },
      },
    },
    async (request, reply) => {
      const uptime_s = Math.floor(process.uptime());
      try {
        await app.database.ping(2_000);
        return { status: 'ok' as const, database: 'ok' as const, version, uptime_s };
      } catch (error) {
        request.log.warn({ err: error }, 'health check: database unreachable');
        return reply.status(503).send({
          status: 'degraded' as const,
          database: 'unreachable' as const,
          version,
          uptime_s,
        });
      }
    },
  );
}
