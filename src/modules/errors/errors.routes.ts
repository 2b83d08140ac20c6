import { Type } from 'typebox';
import type { App } from '../../app-type.js';
import { Page, Uuid } from '../../lib/schemas.js';
import { currentUserId } from '../../plugins/auth.js';
import { ErrorLog, ErrorLogQuery, NewClientError } from './errors.schemas.js';
import { errorLog, logClientError, resolve } from './errors.service.js';

export default async function errorsRoutes(app: App) {
  app.post(
    '/errors/log',
    {
      config: { auth: 'public' },
      schema: {
        operationId: 'logClientError',
        summary: 'Record an error seen by a client',
        description:
          'For the web and mobile apps: the error is kept in the error log (with the user when ' +
          'a token is sent). Subject to the rate limit like every route.',
        tags: ['errors'],
        body: NewClientError,
        response: { 201: Type.Object({ id: Uuid }) },
      },
    },
    async (request, reply) => {
      const created = await logClientError(app.db, request.body, {
        userId: request.auth?.userId ?? null,
        requestId: request.id,
        userAgent: request.headers['user-agent'],
      });
      return reply.status(201).send(created);
    },
  );

  app.get(
    '/errors',
    {
      config: { auth: 'admin' },
      schema: {
        operationId: 'listErrors',
        summary: 'The error log, newest first',
        description: 'Filters: `resolved`, `level`, `source`, `since` (a time).',
        tags: ['errors'],
        querystring: ErrorLogQuery,
        response: { 200: Page(ErrorLog) },
      },
    },
    async (request) => errorLog(app.db, request.query),
  );

  app.patch(
    '/errors/:error_id/resolve',
    {
      config: { auth: 'admin' },
      schema: {
        operationId: 'resolveError',
        summary: 'Mark an error resolved',
        tags: ['errors'],
        params: Type.Object({ error_id: Uuid }),
        response: { 200: ErrorLog },
      },
    },
    async (request) => resolve(app.db, request.params.error_id, currentUserId(request)),
  );
}
