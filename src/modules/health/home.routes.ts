import { Type } from 'typebox';
import type { App } from '../../app-type.js';
import { version } from '../../version.js';

const Home = Type.Object({
  name: Type.Literal('PageShare API'),
  version: Type.String(),
  docs: Type.String({ description: 'the interactive docs' }),
  openapi: Type.String({ description: 'the OpenAPI document' }),
  health: Type.String(),
});

/** `GET /`: what a person (or curl) finds at the root: where the docs are. */
export default async function homeRoutes(app: App) {
  app.get(
    '/',
    {
      config: { auth: 'public' },
      schema: {
        operationId: 'getHome',
        summary: 'Where the docs are',
        description: 'Links to the interactive docs, the OpenAPI document and the health check.',
        tags: ['health'],
        response: { 200: Home },
      },
    },
    async () => ({
      name: 'PageShare API' as const,
      version,
      docs: '/docs',
      openapi: '/openapi.json',
      health: '/health',
    }),
  );
}
