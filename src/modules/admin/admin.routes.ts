import { readFileSync } from 'node:fs';
import { Type } from 'typebox';
import type { App } from '../../app-type.js';

/**
 * The investor dashboard (GET /admin): one static page, its script and its stylesheet, served
 * by the API with no build step and no CDN. The page holds no data: it asks for an admin
 * token and calls the /metrics routes with it, so the page itself is public.
 *
 * Its content security policy allows scripts, styles and requests from this origin only: no
 * inline script, no inline event handler, no eval, no third party.
 */
const CSP = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "connect-src 'self'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');

const asset = (name: string) => readFileSync(new URL(`./assets/${name}`, import.meta.url), 'utf8');

const ASSETS = new Map([
  ['dashboard.js', { type: 'text/javascript; charset=utf-8', body: asset('dashboard.js') }],
  ['charts.js', { type: 'text/javascript; charset=utf-8', body: asset('charts.js') }],
  ['dashboard.css', { type: 'text/css; charset=utf-8', body: asset('dashboard.css') }],
  ['moderation.js', { type: 'text/javascript; charset=utf-8', body: asset('moderation.js') }],
  ['moderation.css', { type: 'text/css; charset=utf-8', body: asset('moderation.css') }],
]);
const PAGE = asset('index.html');
const MODERATION_PAGE = asset('moderation.html');

export default async function adminRoutes(app: App) {
  app.get(
    '/admin',
    {
      config: { auth: 'public' },
      schema: {
        operationId: 'getAdminDashboard',
        summary: 'The investor dashboard (an HTML page)',
        description:
          'Charts and tables of the /metrics routes. The page asks for an admin access token ' +
          '(kept in the tab’s sessionStorage) and sends it to those routes.',
        tags: ['metrics'],
        response: {
          200: { description: 'the page', content: { 'text/html': { schema: Type.String() } } },
        },
      },
    },
    async (_request, reply) =>
      reply
        .header('content-security-policy', CSP)
        .header('cache-control', 'no-cache')
        .type('text/html; charset=utf-8')
        .send(PAGE),
  );

  app.get(
    '/admin/moderation',
    {
      config: { auth: 'public' },
      schema: {
        operationId: 'getModerationPage',
        summary: 'The moderation page (an HTML page)',
        description:
          'The open reports, with their actions (dismiss, resolve, delete the content, suspend ' +
          'the author), and the audit log. Like /admin, the page asks for an admin token.',
        tags: ['moderation'],
        response: {
          200: { description: 'the page', content: { 'text/html': { schema: Type.String() } } },
        },
      },
    },
    async (_request, reply) =>
      reply
        .header('content-security-policy', CSP)
        .header('cache-control', 'no-cache')
        .type('text/html; charset=utf-8')
        .send(MODERATION_PAGE),
  );

  app.get(
    '/admin/assets/:name',
    {
      config: { auth: 'public' },
      schema: { hide: true, params: Type.Object({ name: Type.String({ maxLength: 64 }) }) },
    },
    async (request, reply) => {
      const file = ASSETS.get(request.params.name);
      if (!file) return reply.callNotFound();
      return reply
        .header('content-security-policy', CSP)
        .header('cache-control', 'no-cache')
        .type(file.type)
        .send(file.body);
    },
  );
}
