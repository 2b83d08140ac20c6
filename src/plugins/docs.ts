import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import { ErrorResponse } from '../lib/schemas.js';
import { version } from '../version.js';

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
        description:
          'The API of PageShare, a social network for stock traders. Errors share one shape ' +
          '(`{ error: { code, message, request_id, details? } }`); lists are pages ' +
          '(`{ items, next_cursor }`, pass `cursor` for the next). Send a Supabase access ' +
          'token as `Authorization: Bearer <token>`; locally, `npm run token` prints one.',
      },
      servers: [{ url: app.config.publicBaseUrl }],
      components: {
        securitySchemes: {
          bearerAuth: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' },
          cronSecret: { type: 'http', scheme: 'bearer', description: 'the CRON_SECRET setting' },
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
    uiConfig: { docExpansion: 'list', deepLinking: true, persistAuthorization: true },
    staticCSP: true,
  });

  app.get('/openapi.json', { config: { auth: 'public' }, schema: { hide: true } }, async () =>
    app.swagger(),
  );
});
