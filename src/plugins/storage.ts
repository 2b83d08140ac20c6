import { open } from 'node:fs/promises';
import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import { Type } from 'typebox';
import { notFound } from '../lib/errors.js';
import { contentTypeByExtension } from '../lib/images.js';
import { BUCKETS, createStorage, LocalStorage, type Storage } from '../storage/index.js';
import { LOCAL_FILES_PREFIX } from '../storage/local.js';
import { OBJECT_NAME, OBJECT_OWNER } from '../storage/storage.js';

declare module 'fastify' {
  interface FastifyInstance {
    /** Uploaded files (profile pictures, post media), whichever driver is configured. */
    storage: Storage;
  }
}

const FileParams = Type.Object({
  bucket: Type.Union(BUCKETS.map((b) => Type.Literal(b))),
  owner: Type.String({ pattern: `^${OBJECT_OWNER}$` }),
  name: Type.String({ pattern: `^${OBJECT_NAME}$` }),
});

/**
 * Decorates the app with the configured storage. With the local driver it also serves the
 * files: the content type comes from the extension we gave the file (never sniffed by the
 * browser: nosniff), and since a path is never reused the file may be cached for a year.
 */
export const storagePlugin = fp(async (app: FastifyInstance) => {
  const storage = createStorage(app.config);
  app.decorate('storage', storage);
  if (!(storage instanceof LocalStorage)) return;

  app.get<{ Params: { bucket: (typeof BUCKETS)[number]; owner: string; name: string } }>(
    `${LOCAL_FILES_PREFIX}/:bucket/:owner/:name`,
    {
      // a page of posts loads dozens of images: they are not what the rate limit is for
      config: { auth: 'public', rateLimit: false },
      schema: {
        operationId: 'getStoredFile',
        summary: 'A stored file (local storage driver only)',
        description:
          'Serves profile pictures and post media when STORAGE_DRIVER=local. The URLs come ' +
          'from `profile_picture_url` and Media `url`; with the supabase driver they point ' +
          'to Supabase Storage instead.',
        tags: ['media'],
        params: FileParams,
        response: {
          200: Type.Unsafe({ type: 'string', format: 'binary', description: 'the file' }),
        },
      },
    },
    async (request, reply) => {
      const { bucket, owner, name } = request.params;
      const file = await open(storage.filePath(bucket, `${owner}/${name}`)).catch(
        (error: NodeJS.ErrnoException) => {
          if (error.code === 'ENOENT') throw notFound('file');
          throw error;
        },
      );
      const { size } = await file.stat();
      const extension = name.slice(name.lastIndexOf('.') + 1);
      return reply
        .header('content-type', contentTypeByExtension[extension] ?? 'application/octet-stream')
        .header('content-length', size)
        .header('cache-control', 'public, max-age=31536000, immutable')
        .header('x-content-type-options', 'nosniff')
        .send(file.createReadStream());
    },
  );
});
