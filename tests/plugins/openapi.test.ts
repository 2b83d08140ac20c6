import { describe, expect, it } from 'vitest';
import type { App } from '../../src/app.js';
import { useTestApp } from '../helpers/app.js';

interface Operation {
  operationId?: string;
  summary?: string;
  tags?: string[];
  responses: Record<string, unknown>;
  security?: unknown[];
  parameters?: Array<{ name: string; in: string; required?: boolean }>;
}
type Document = {
  paths: Record<string, Record<string, Operation>>;
  tags: Array<{ name: string }>;
};

/**
 * Every route the app serves, read back from Fastify's route tree (printRoutes draws it with
 * four columns a level; a line holds a path segment and its methods).
 */
function registeredRoutes(app: App): Array<{ method: string; url: string }> {
  const routes: Array<{ method: string; url: string }> = [];
  const prefixes: string[] = [];
  for (const line of app.printRoutes({ commonPrefix: false }).split('\n')) {
    const match = /^([│├└─\s]*)(\S.*?) \(([A-Z, ]+)\)$/.exec(line);
    if (!match) continue;
    const depth = match[1]!.length / 4;
    const url = (depth > 1 ? prefixes[depth - 1]! : '') + match[2]!;
    prefixes[depth] = url;
    for (const method of match[3]!.split(', ')) {
      if (method !== 'HEAD' && method !== 'OPTIONS')
        routes.push({ method: method.toLowerCase(), url });
    }
  }
  return routes;
}

/**
 * Served but deliberately not in the document: the document, its viewer, the static files of
 * the dashboard and of the live page.
 */
const undocumented = (url: string) =>
  url === '/openapi.json' ||
  url.startsWith('/docs') ||
  url.startsWith('/admin/assets/') ||
  url.startsWith('/live/assets/');

describe('the OpenAPI document', () => {
  const t = useTestApp({ CRON_SECRET: 'x'.repeat(40) });

  async function doc(): Promise<Document> {
    return (await t.request({ method: 'GET', url: '/openapi.json' })).json() as Document;
  }

  it('covers every route with an operationId, a summary, a known tag and its answers', async () => {
    const document = await doc();
    const tags = new Set(document.tags.map((tag) => tag.name));
    const operationIds = new Set<string>();
    const documented = Object.entries(document.paths).flatMap(([path, methods]) =>
      Object.entries(methods).map(([method, operation]) => ({ path, method, operation })),
    );
    expect(documented.length).toBeGreaterThan(45);
    for (const { path, method, operation } of documented) {
      const where = `${method.toUpperCase()} ${path}`;
      expect(operation.operationId, where).toMatch(/^[a-z][A-Za-z]+$/);
      expect(operationIds.has(operation.operationId!), `${where}: duplicate operationId`).toBe(
        false,
      );
      operationIds.add(operation.operationId!);
      expect(operation.summary, where).toBeTruthy();
      expect(operation.tags?.length, where).toBe(1);
      expect(tags.has(operation.tags![0]!), `${where}: tag ${operation.tags![0]}`).toBe(true);
      const success = Object.keys(operation.responses).filter((status) => /^2/.test(status));
      expect(success.length, `${where}: a 2xx answer`).toBeGreaterThan(0);
      expect(operation.responses['500'], `${where}: the error shape`).toBeDefined();
    }
  });

  it('lists every registered route', async () => {
    const document = await doc();
    const toOpenApi = (url: string) => url.replace(/:([A-Za-z_]+)/g, '{$1}');
    const routes = registeredRoutes(t.app).filter((route) => !undocumented(route.url));
    expect(routes.length).toBeGreaterThan(45);
    const missing = routes
      .filter((route) => !document.paths[toOpenApi(route.url)]?.[route.method])
      .map((route) => `${route.method.toUpperCase()} ${route.url}`);
    expect(missing).toEqual([]);
  });

  it('does not mark parameters with defaults as required', async () => {
    const document = await doc();
    const feed = document.paths['/posts']?.get?.parameters ?? [];
    expect(feed.find((p) => p.name === 'limit')).toMatchObject({ in: 'query' });
    expect(feed.find((p) => p.name === 'limit')?.required).not.toBe(true);
  });
});
