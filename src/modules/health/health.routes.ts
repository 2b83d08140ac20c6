import { Type } from 'typebox';
import type { App } from '../../app-type.js';
import { pendingMigrations } from '../../db/migrator.js';
import { version } from '../../version.js';

const Healthy = Type.Object({
  status: Type.Literal('ok'),
  database: Type.Literal('ok'),
  version: Type.String(),
  uptime_s: Type.Integer(),
});
const Degraded = Type.Object({
  status: Type.Literal('degraded'),
  database: Type.Union([Type.Literal('unreachable'), Type.Literal('migrations_pending')], {
    description:
      'unreachable: the database does not answer; migrations_pending: the schema is older ' +
      'than the code (run npm run db:migrate), so routes would fail',
  }),
  version: Type.String(),
  uptime_s: Type.Integer(),
});

export default async function healthRoutes(app: App) {
  // once every migration is applied, the schema only moves forward: no need to look again
  let migrated = false;
  const pending = async () => {
    if (migrated) return [];
    const names = await pendingMigrations(app.db);
    migrated = names.length === 0;
    return names;
  };

  app.get(
    '/health',
    {
      config: { auth: 'public' },
      schema: {
        operationId: 'getHealth',
        summary: 'Liveness and database check',
        description:
          '200 when the database answers and its schema is up to date; 503 `degraded` when ' +
          'it does not answer or migrations are pending.',
        tags: ['health'],
        response: { 200: Healthy, 503: Degraded },
      },
    },
    async (request, reply) => {
      const uptime_s = Math.floor(process.uptime());
      try {
        await app.database.ping(2_000);
        const names = await pending();
        if (names.length > 0) {
          request.log.warn({ pending: names }, 'health check: migrations pending');
          return reply.status(503).send({
            status: 'degraded' as const,
            database: 'migrations_pending' as const,
            version,
            uptime_s,
          });
        }
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
