import type { App } from '../../app-type.js';
import { currentUser, currentUserId } from '../../plugins/auth.js';
import {
  FileField,
  multipartBody,
  readUploads,
  registerUploads,
  skipBodyValidation,
} from '../../plugins/uploads.js';
import {
  PROFILE_PICTURE_LIMITS,
  removeProfilePicture,
  setProfilePicture,
} from './users.picture.service.js';
import { Me } from './users.schemas.js';
import { getMe } from './users.service.js';

/** POST and DELETE /users/me/profile-picture, in their own scope: the only users routes that parse multipart. */
export default async function profilePictureRoutes(app: App) {
  await registerUploads(app, PROFILE_PICTURE_LIMITS);

  app.post(
    '/users/me/profile-picture',
    {
      config: { auth: 'user' },
      validatorCompiler: skipBodyValidation,
      schema: {
        operationId: 'setProfilePicture',
        summary: 'Upload a profile picture',
        description:
          'multipart/form-data with one file in the field `file`: JPEG, PNG or WebP (judged ' +
          'by the bytes, else 415), at most 5 MB (else 413), at least 64x64 pixels (else ' +
          '422). Stored as a 400x400 WebP without metadata; the previous picture is deleted.',
        tags: ['users'],
        ...multipartBody({ file: FileField('the picture') }),
        response: { 200: Me, 415: { $ref: 'ErrorResponse#' } },
      },
    },
    async (request) => {
      const [file] = await readUploads(request, PROFILE_PICTURE_LIMITS);
      const userId = currentUserId(request);
      const deps = { db: app.db, storage: app.storage, log: request.log };
      await setProfilePicture(deps, userId, file!);
      return getMe(app.db, userId, currentUser(request).isAdmin);
    },
  );

  app.delete(
    '/users/me/profile-picture',
    {
      config: { auth: 'user' },
      schema: {
        operationId: 'removeProfilePicture',
        summary: 'Remove the profile picture',
        description: 'Deletes the stored file; `profile_picture_url` becomes null.',
        tags: ['users'],
        response: { 200: Me },
      },
    },
    async (request) => {
      const userId = currentUserId(request);
      await removeProfilePicture({ db: app.db, storage: app.storage, log: request.log }, userId);
      return getMe(app.db, userId, currentUser(request).isAdmin);
    },
  );
}
