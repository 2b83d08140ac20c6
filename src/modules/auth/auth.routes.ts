import { Type } from 'typebox';
import type { App } from '../../app-type.js';
import { findAccount } from '../../core/users.js';
import { unauthorized } from '../../lib/errors.js';
import { Nullable, Timestamp, Uuid } from '../../lib/schemas.js';

const Verified = Type.Object({
  valid: Type.Literal(true),
  user_id: Uuid,
  expires_at: Nullable(Timestamp),
  onboarded: Type.Boolean({ description: 'whether this user has a profile yet' }),
});

export default async function authRoutes(app: App) {
  app.post(
    '/auth/verify',
    {
      config: { auth: 'public' },
      schema: {
        operationId: 'verifyToken',
        summary: 'Check the bearer token',
        description: 'Answers 200 for a valid token and 401 for a missing or invalid one.',
        tags: ['auth'],
        // public (it answers a missing token itself), but its point is the token: the docs
        // send it
        security: [{ bearerAuth: [] }],
        response: { 200: Verified },
      },
    },
    async (request) => {
      const auth = request.auth;
      if (!auth) throw unauthorized('send the token as Authorization: Bearer <token>');
      const profile = await findAccount(app.db, auth.userId);
      return {
        valid: true as const,
        user_id: auth.userId,
        expires_at: auth.expiresAt?.toISOString() ?? null,
        onboarded: profile !== undefined,
      };
    },
  );
}
