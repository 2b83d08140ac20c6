import { Type } from 'typebox';
import type { App } from '../../app-type.js';
import {
  pagePolicy,
  readStaticFiles,
  sendStatic,
  staticAssetsRoute,
} from '../../lib/static-pages.js';

/**
 * The investor dashboard (GET /admin): one static page, its script and its stylesheet, served
 * by the API with no build step and no CDN. The page holds no data: it asks for an admin
 * token and calls the /metrics routes with it, so the page itself is public.
 *
 * Its content security policy allows scripts, styles and requests from this origin only: no
 * inline script, no inline event handler, no eval, no third party.
 */
const CSP = pagePolicy({ images: true });
const FOLDER = new URL('./assets/', import.meta.url);
const PAGES = readStaticFiles(FOLDER, ['index.html', 'moderation.html']);
const ASSETS = readStaticFiles(FOLDER, [
  'dashboard.js',
  'charts.js',
  'dashboard.css',
  'moderation.js',
  'moderation.css',
]);
const page = (name: string) => PAGES.get(name)!;

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
    async (_request, reply) => sendStatic(reply, CSP, page('index.html')),
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
    async (_request, reply) => sendStatic(reply, CSP, page('moderation.html')),
  );

  staticAssetsRoute(app, '/admin/assets', ASSETS, CSP);
}
