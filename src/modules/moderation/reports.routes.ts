import { Type } from 'typebox';
import type { App } from '../../app-type.js';
import { Page, Uuid } from '../../lib/schemas.js';
import { currentUserId } from '../../plugins/auth.js';
import {
  NewReport,
  Report,
  ReportCreated,
  ReportDecision,
  ReportsQuery,
} from './reports.schemas.js';
import { createReport, decide, reportQueue } from './reports.service.js';

export default async function reportsRoutes(app: App) {
  app.post(
    '/reports',
    {
      config: { auth: 'user' },
      schema: {
        operationId: 'createReport',
        summary: 'Report a post, a comment or a user',
        description:
          'One open report per reporter and target (409 `already_reported`); once a moderator ' +
          'has closed it, the same target can be reported again.',
        tags: ['reports'],
        body: NewReport,
        response: { 201: ReportCreated },
      },
    },
    async (request, reply) =>
      reply.status(201).send(await createReport(app.db, currentUserId(request), request.body)),
  );

  app.get(
    '/reports',
    {
      config: { auth: 'admin' },
      schema: {
        operationId: 'listReports',
        summary: 'The moderation queue, newest first',
        tags: ['reports'],
        querystring: ReportsQuery,
        response: { 200: Page(Report) },
      },
    },
    async (request) => reportQueue(app.db, request.query),
  );

  app.patch(
    '/reports/:report_id',
    {
      config: { auth: 'admin' },
      schema: {
        operationId: 'decideReport',
        summary: 'Resolve or dismiss a report',
        tags: ['reports'],
        params: Type.Object({ report_id: Uuid }),
        body: ReportDecision,
        response: { 200: Report },
      },
    },
    async (request) =>
      decide(app.db, request.params.report_id, currentUserId(request), request.body),
  );
}
