import type { App } from '../../app-type.js';
import { hashIp, requestCountry } from '../../lib/ip.js';
import { UserIdParams } from '../../lib/schemas.js';
import { adminWithoutProfile, currentUser, currentUserId, viewerId } from '../../plugins/auth.js';
import accountRoutes from './account.routes.js';
import profilePictureRoutes from './users.picture.routes.js';
import {
  Me,
  OnboardingBody,
  PinPostBody,
  UpdateMeBody,
  UsernameParams,
  UserProfile,
} from './users.schemas.js';
import { getMe, getProfile, onboard, setPinnedPost, updateMe } from './users.service.js';

const conflictResponse = { $ref: 'ErrorResponse#' };

export default async function usersRoutes(app: App) {
  app.get(
    '/users/me',
    {
      config: { auth: 'user' },
      schema: {
        operationId: 'getMe',
        summary: 'Your own profile',
        description: '403 `onboarding_required` until POST /users/me/onboarding has been done.',
        tags: ['users'],
        response: { 200: Me },
      },
    },
    async (request) => getMe(app.db, currentUserId(request), currentUser(request).isAdmin),
  );

  app.post(
    '/users/me/onboarding',
    {
      config: { auth: 'token' },
      schema: {
        operationId: 'onboard',
        summary: 'Create your profile',
        description:
          'Once per account, with a valid token. The country is taken from the request ' +
          '(a trusted platform header behind a proxy, else an offline IP database); the ' +
          'address is kept only as a keyed hash. 409 `username_taken` (any case) or ' +
          '`already_onboarded`; 422 for a reserved name, an unknown time zone or symbol.',
        tags: ['users'],
        body: OnboardingBody,
        response: { 201: Me, 409: conflictResponse },
      },
    },
    async (request, reply) => {
      const auth = request.auth!;
      const { trustProxy, ipHashSecret } = app.config;
      const me = await onboard(app.db, {
        userId: auth.userId,
        isAdmin: adminWithoutProfile(auth, app.config),
        body: request.body,
        ipHash: request.ip ? hashIp(request.ip, ipHashSecret) : null,
        country: request.ip ? requestCountry(request.ip, request.headers, trustProxy) : null,
      });
      return reply.status(201).send(me);
    },
  );

  app.patch(
    '/users/me',
    {
      config: { auth: 'user' },
      schema: {
        operationId: 'updateMe',
        summary: 'Change your profile',
        description:
          'Only the fields sent change; `interests`, when sent, replaces the whole list. ' +
          '409 `username_taken`.',
        tags: ['users'],
        body: UpdateMeBody,
        response: { 200: Me, 409: conflictResponse },
      },
    },
    async (request) =>
      updateMe(app.db, currentUserId(request), currentUser(request).isAdmin, request.body),
  );

  app.put(
    '/users/me/pinned-post',
    {
      config: { auth: 'user' },
      schema: {
        operationId: 'pinPost',
        summary: 'Pin one of your posts to your profile',
        description:
          '`post_id` must be one of your own posts that is not deleted (else 422). It replaces ' +
          'the post pinned before; deleting the post unpins it.',
        tags: ['users'],
        body: PinPostBody,
        response: { 200: Me },
      },
    },
    async (request) =>
      setPinnedPost(
        app.db,
        currentUserId(request),
        currentUser(request).isAdmin,
        request.body.post_id,
      ),
  );

  app.delete(
    '/users/me/pinned-post',
    {
      config: { auth: 'user' },
      schema: {
        operationId: 'unpinPost',
        summary: 'Unpin the post pinned to your profile',
        description: 'Idempotent: `pinned_post` is null afterwards.',
        tags: ['users'],
        response: { 200: Me },
      },
    },
    async (request) =>
      setPinnedPost(app.db, currentUserId(request), currentUser(request).isAdmin, null),
  );

  app.get(
    '/users/:user_id',
    {
      config: { auth: 'public' },
      schema: {
        operationId: 'getUser',
        summary: 'A user profile',
        description: '`viewer` is filled when a token is sent (null for yourself).',
        tags: ['users'],
        params: UserIdParams,
        response: { 200: UserProfile },
      },
    },
    async (request) => getProfile(app.db, { id: request.params.user_id }, viewerId(request)),
  );

  app.get(
    '/users/by-username/:username',
    {
      config: { auth: 'public' },
      schema: {
        operationId: 'getUserByUsername',
        summary: 'A user profile by username (any case)',
        tags: ['users'],
        params: UsernameParams,
        response: { 200: UserProfile },
      },
    },
    async (request) => getProfile(app.db, { username: request.params.username }, viewerId(request)),
  );

  await app.register(profilePictureRoutes);
  await app.register(accountRoutes);
}
