import { readFileSync } from 'node:fs';
import type { FastifyInstance, FastifyReply } from 'fastify';

/**
 * The API's few HTML pages (the dashboard, the moderation page, the live page) and their
 * scripts and stylesheets: files read once at start, served with no build step and no CDN,
 * under a content security policy that allows this origin only (no inline script or style,
 * no eval, no third party).
 */
export interface StaticFile {
  type: string;
  body: string;
}

const TYPES: Record<string, string> = {
  html: 'text/html; charset=utf-8',
  js: 'text/javascript; charset=utf-8',
  css: 'text/css; charset=utf-8',
};

/** The policy of a page: this origin only; `images` also allows data: URLs for images. */
export function pagePolicy({ images = false }: { images?: boolean } = {}): string {
  return [
    "default-src 'none'",
    "script-src 'self'",
    "style-src 'self'",
    ...(images ? ["img-src 'self' data:"] : []),
    "connect-src 'self'",
    "base-uri 'none'",
    "form-action 'none'",
    "frame-ancestors 'none'",
  ].join('; ');
}

/** Reads the named files of a folder (a URL ending in `/`), each with its content type. */
export function readStaticFiles(folder: URL, names: readonly string[]): Map<string, StaticFile> {
  return new Map(
    names.map((name) => {
      const type = TYPES[name.slice(name.lastIndexOf('.') + 1)];
      if (!type) throw new Error(`no content type for ${name}`);
      return [name, { type, body: readFileSync(new URL(name, folder), 'utf8') }];
    }),
  );
}

export function sendStatic(reply: FastifyReply, policy: string, file: StaticFile) {
  return reply
    .header('content-security-policy', policy)
    .header('cache-control', 'no-cache')
    .type(file.type)
    .send(file.body);
}

/** GET `${prefix}/:name`: the scripts and stylesheets of a page (hidden from the OpenAPI document). */
export function staticAssetsRoute(
  app: FastifyInstance,
  prefix: string,
  files: ReadonlyMap<string, StaticFile>,
  policy: string,
): void {
  app.get<{ Params: { name: string } }>(
    `${prefix}/:name`,
    {
      config: { auth: 'public' },
      schema: {
        hide: true,
        params: {
          type: 'object',
          properties: { name: { type: 'string', maxLength: 64 } },
          required: ['name'],
          additionalProperties: false,
        },
      },
    },
    async (request, reply) => {
      const file = files.get(request.params.name);
      if (!file) return reply.callNotFound();
      return sendStatic(reply, policy, file);
    },
  );
}
