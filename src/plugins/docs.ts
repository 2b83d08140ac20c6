import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import { ErrorResponse } from '../lib/schemas.js';
import { version } from '../version.js';

const SWAGGER_UI_STYLE_HASH = 'sha256-RL3ie0nH+Lzz2YNqQN83mnU0J1ot4QL7b99vMdIX99w=';

const DESCRIPTION = `The API of PageShare, a social network for stock traders.

**Getting a token.** Send a Supabase access token as \`Authorization: Bearer <token>\`. Against a
local server, \`npm run token\` prints one (\`npm run -s token -- --admin\` for an admin); press
*Authorize* above and paste it. Routes with a lock need it; the others answer anyone.

**Shapes.** Errors share one shape: \`{ "error": { "code", "message", "request_id", "details"? } }\`.
Lists are pages: \`{ "items": [...], "next_cursor" }\`; pass \`next_cursor\` back as \`cursor\`.
A body field a route does not define is a 422 naming it.

**The main flows** (\`API=http://127.0.0.1:3000\`, \`AUTH="Authorization: Bearer $(npm run -s token)"\`):

\`\`\`sh
# 1. a profile (once per account)
curl -X POST $API/users/me/onboarding -H "$AUTH" -H 'Content-Type: application/json' \\
  -d '{"username":"ada_trades","timezone":"Europe/London","interests":["NVDA"]}'
# 2. a post: $TICKERs become the post's tickers; a poll is optional
curl -X POST $API/posts -H "$AUTH" -H 'Content-Type: application/json' \\
  -d '{"content":"$NVDA into earnings","sentiment":"bullish","poll":{"options":["Beats","Misses"]}}'
# 3. reading: the home feed, a ticker's page, search
curl "$API/feed?type=all&limit=20"
curl $API/tickers/NVDA
curl "$API/search?q=nvda"
# 4. conversation: like, comment, repost (POST_ID from step 2)
curl -X POST $API/posts/$POST_ID/reactions -H "$AUTH"
curl -X POST $API/posts/$POST_ID/comments -H "$AUTH" -H 'Content-Type: application/json' -d '{"content":"agreed"}'
# 5. notifications
curl $API/notifications/unread-count -H "$AUTH"
\`\`\`

The repository's docs/walkthrough.md runs a whole first session, step by step.`;

/** PageShare's colours over Swagger UI's own stylesheet. */
const THEME_CSS = `
.swagger-ui .topbar { background: #0b1f3a; padding: 8px 0; }
.swagger-ui .topbar .download-url-wrapper { display: none; }
.swagger-ui .topbar-wrapper img, .swagger-ui .topbar-wrapper svg { height: 32px; }
.swagger-ui .info .title { color: #0b1f3a; }
.swagger-ui .btn.authorize { color: #1f6feb; border-color: #1f6feb; }
.swagger-ui .btn.authorize svg { fill: #1f6feb; }
.swagger-ui .info pre { white-space: pre-wrap; }
`;

const LOGO_SVG = `<svg xmlns="http://www.w3.org/2000/svg" width="220" height="32" viewBox="0 0 220 32">
<rect x="0" y="2" width="28" height="28" rx="6" fill="#1f6feb"/>
<path d="M6 22 L12 14 L17 18 L23 9" stroke="#fff" stroke-width="2.5" fill="none" stroke-linecap="round" stroke-linejoin="round"/>
<text x="38" y="23" font-family="system-ui, -apple-system, Segoe UI, Roboto, sans-serif" font-size="19" font-weight="700" fill="#fff">PageShare <tspan font-weight="400" fill="#9fb3d1">API</tspan></text>
</svg>`;

/**
 * The OpenAPI document (/openapi.json) and interactive docs (/docs), both built from the
 * route schemas. Every route is given the error answers it can give, in the one error shape,
 * so the document never has to list them by hand.
 */
export const docsPlugin = fp(async (app: FastifyInstance) => {
  app.addSchema(ErrorResponse);

  app.addHook('onRoute', (route) => {
    if (!route.schema || route.schema.hide) return;
    // a query parameter with a default need not be sent (validation fills it in): the
    // document should not call it required
    const query = route.schema.querystring as
      | { properties?: Record<string, { default?: unknown }>; required?: string[] }
      | undefined;
    if (query?.required && query.properties) {
      query.required = query.required.filter(
        (name) => query.properties?.[name]?.default === undefined,
      );
    }
    route.schema.response ??= {};
    const response = route.schema.response as Record<string, unknown>;
    const ref = { $ref: 'ErrorResponse#' };
    const level = route.config?.auth ?? 'public';
    const statuses = ['401', '429', '500'];
    if (level === 'cron') statuses.push('404');
    else if (level !== 'public') statuses.push('403');
    if (route.schema.body || route.schema.querystring) statuses.push('422');
    if (route.schema.params) statuses.push('404');
    if (route.schema.body) statuses.push('400', '413');
    for (const status of statuses) response[status] ??= ref;
  });

  await app.register(swagger, {
    openapi: {
      openapi: '3.1.0',
      info: {
        title: 'PageShare API',
        version,
        description: DESCRIPTION,
      },
      servers: [{ url: app.config.publicBaseUrl }],
      components: {
        securitySchemes: {
          bearerAuth: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' },
        },
      },
      tags: [
        { name: 'health', description: 'liveness and database check' },
        { name: 'auth', description: 'access tokens' },
        { name: 'users', description: 'profiles, onboarding, profile pictures' },
        { name: 'media', description: 'image uploads for posts' },
        { name: 'posts', description: 'posts, quotes and polls' },
        { name: 'comments', description: 'comments and replies' },
        { name: 'reactions', description: 'likes on posts and comments' },
        { name: 'reposts', description: 'plain reposts and quotes' },
        { name: 'polls', description: 'votes and results' },
        { name: 'social', description: 'follows, mutes and blocks' },
        { name: 'bookmarks', description: 'saved posts' },
        {
          name: 'notifications',
          description: 'follows, likes, comments, replies, reposts, quotes and mentions',
        },
        { name: 'preferences', description: 'muted words' },
        { name: 'feed', description: 'the home feed' },
        { name: 'search', description: 'users and tickers' },
        { name: 'tickers', description: 'ticker pages, streams, trending, watchlist' },
        { name: 'reports', description: 'reports and the moderation queue' },
        { name: 'moderation', description: 'suspensions and the audit log (admins)' },
        { name: 'errors', description: 'error tracking' },
        { name: 'metrics', description: 'materialized views and investor metrics' },
        {
          name: 'streams',
          description:
            'live streams (Server-Sent Events): new posts, edits, deletes and notifications as they happen',
        },
      ],
    },
    refResolver: {
      buildLocalReference: (json, _baseUri, _fragment, i) =>
        typeof json.$id === 'string' ? json.$id : `def-${i}`,
    },
  });

  await app.register(swaggerUi, {
    routePrefix: '/docs',
    uiConfig: {
      docExpansion: 'list',
      deepLinking: true,
      persistAuthorization: true,
      filter: true,
      tryItOutEnabled: true,
    },
    theme: {
      title: 'PageShare API',
      css: [{ filename: 'pageshare.css', content: THEME_CSS }],
    },
    logo: { type: 'image/svg+xml', content: Buffer.from(LOGO_SVG), href: '/docs', target: '_self' },
    staticCSP: {
      'default-src': ["'self'"],
      'base-uri': ["'self'"],
      'font-src': ["'self'", 'data:'],
      'frame-ancestors': ["'self'"],
      'img-src': ["'self'", 'data:'],
      'object-src': ["'none'"],
      'script-src': ["'self'"],
      'script-src-attr': ["'none'"],
      // the one <style> element Swagger UI (5.x, pinned through @fastify/swagger-ui) adds
      // itself; a browser test fails when an update changes it
      'style-src': ["'self'", `'${SWAGGER_UI_STYLE_HASH}'`],
      'connect-src': ["'self'"],
    },
  });

  app.get('/openapi.json', { config: { auth: 'public' }, schema: { hide: true } }, async () =>
    app.swagger(),
  );
});
