import { Type } from 'typebox';
import type { App } from '../../app-type.js';
import { currentUserId } from '../../plugins/auth.js';
import {
  FileField,
  inUploadSlot,
  multipartBody,
  readUploads,
  registerUploads,
  skipBodyValidation,
} from '../../plugins/uploads.js';
import { MediaUploadResponse } from './media.schemas.js';
import { MEDIA_UPLOAD_LIMITS, uploadMedia } from './media.service.js';

export default async function mediaRoutes(app: App) {
  // multipart is parsed in this scope only
  await registerUploads(app, MEDIA_UPLOAD_LIMITS);

  app.post(
    '/media/upload',
    {
      config: { auth: 'user' },
      validatorCompiler: skipBodyValidation,
      schema: {
        operationId: 'uploadMedia',
        summary: 'Upload images for a post',
        description:
          'multipart/form-data with 1-4 files in the field `files`: JPEG, PNG, WebP or GIF ' +
          '(judged by the bytes, else 415), 5 MB each and 20 MB in all (else 413), at most ' +
          '40 megapixels (else 422). Metadata (EXIF, GPS) is stripped; GIFs stay animated. ' +
          'Pass the ids as `media_ids` when creating the post.',
        tags: ['media'],
        ...multipartBody({
          files: Type.Array(FileField('an image'), { minItems: 1, maxItems: 4 }),
        }),
        response: { 201: MediaUploadResponse, 415: { $ref: 'ErrorResponse#' } },
      },
    },
    async (request, reply) => {
      const items = await inUploadSlot(async () => {
        const files = await readUploads(request, MEDIA_UPLOAD_LIMITS);
        return uploadMedia(
          { db: app.db, storage: app.storage, log: request.log },
          currentUserId(request),
          files,
        );
      });
      return reply.status(201).send({ items });
    },
  );
}
