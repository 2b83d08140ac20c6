import type { FastifyInstance, FastifyRequest, onRequestAsyncHookHandler } from 'fastify';
import fp from 'fastify-plugin';
import type { Config } from '../config.js';
import { AppError, forbidden, unauthorized } from '../lib/errors.js';
import { findAccount } from '../modules/auth/auth.repository.js';
import {
  createTokenVerifier,
  type TokenVerifier,
  type VerifiedToken,
} from '../modules/auth/auth.tokens.js';

/**
 * Who is asking. Every request's bearer token is checked in onRequest (an invalid token is a
 * 401 on every route, public ones too). A route states what it needs with `config.auth`:
 *   public — anyone; a valid token fills the viewer fields
 *   token  — a valid token, profile or not (onboarding)
 *   user   — a valid token of a user who has a profile (else 403 onboarding_required)
 *   admin  — a user listed in ADMIN_USER_IDS, with app_metadata.role = "admin", or users.is_admin
 * The level also puts the bearer scheme on the route in the OpenAPI document.
 */
export type AuthLevel = 'public' | 'token' | 'user' | 'admin';

/**
 * An admin by the token (app_metadata.role = "admin") or by ADMIN_USER_IDS: known without the
 * database. The third way, users.is_admin, needs the profile (loadProfile below).
 */
export function adminWithoutProfile(auth: VerifiedToken, config: Config): boolean {
  return auth.adminClaim || config.adminUserIds.has(auth.userId);
}

export interface CurrentUser {
  id: string;
  isAdmin: boolean;
}

declare module 'fastify' {
  interface FastifyRequest {
    auth: VerifiedToken | null;
    /** Set on user and admin routes: the caller's profile. */
    user: CurrentUser | null;
  }
  interface FastifyContextConfig {
    auth?: AuthLevel;
    /**
     * The route reads the Authorization header itself (a shared secret such as CRON_SECRET,
     * not a user's token): the token check leaves it alone, and the route is 'public' here.
     */
    ownAuthorization?: boolean;
  }
  interface FastifyInstance {
    verifyToken: TokenVerifier;
  }
}

/** The caller's id on a user or admin route (where the hook guarantees one). */
export function currentUserId(request: FastifyRequest): string {
  if (!request.user) throw unauthorized();
  return request.user.id;
}

/** The viewer's id on a public route, or null when anonymous. */
export function viewerId(request: FastifyRequest): string | null {
  return request.auth?.userId ?? null;
}

export const authPlugin = fp(async (app: FastifyInstance) => {
  const verify = createTokenVerifier(app.config);
  app.decorate('verifyToken', verify);
  app.decorateRequest('auth', null);
  app.decorateRequest('user', null);

  app.addHook('onRequest', async (request) => {
    const header = request.headers.authorization;
    if (header === undefined || request.routeOptions.config?.ownAuthorization) return;
    const match = /^Bearer\s+([A-Za-z0-9._~+/=-]+)\s*$/i.exec(header);
    if (!match?.[1]) throw unauthorized('the Authorization header must be "Bearer <token>"');
    request.auth = await verify(match[1]);
  });

  async function loadProfile(request: FastifyRequest): Promise<CurrentUser | null> {
    const auth = request.auth!;
    const row = await findAccount(app.db, auth.userId);
    if (!row) return null;
    return { id: row.id, isAdmin: row.is_admin || adminWithoutProfile(auth, app.config) };
  }

  const requireToken: onRequestAsyncHookHandler = async (request) => {
    if (!request.auth) throw unauthorized();
  };

  const requireUser: onRequestAsyncHookHandler = async (request) => {
    if (!request.auth) throw unauthorized();
    const user = await loadProfile(request);
    if (!user) {
      throw new AppError(
        'onboarding_required',
        'finish onboarding first (POST /users/me/onboarding)',
      );
    }
    request.user = user;
  };

  const requireAdmin: onRequestAsyncHookHandler = async (request) => {
    const auth = request.auth;
    if (!auth) throw unauthorized();
    // an admin by token or by configuration need not have a profile
    if (adminWithoutProfile(auth, app.config)) {
      request.user = { id: auth.userId, isAdmin: true };
      return;
    }
    const user = await loadProfile(request);
    if (!user?.isAdmin) throw forbidden('this is for admins only');
    request.user = user;
  };

  const hooks: Record<Exclude<AuthLevel, 'public'>, onRequestAsyncHookHandler> = {
    token: requireToken,
    user: requireUser,
    admin: requireAdmin,
  };

  app.addHook('onRoute', (route) => {
    const level = route.config?.auth ?? 'public';
    if (level !== 'public') {
      const existing = route.onRequest ? [route.onRequest].flat() : [];
      route.onRequest = [hooks[level], ...existing];
    }
    if (route.schema && !route.schema.hide) {
      const schema = route.schema as Record<string, unknown>;
      // public routes take a token too (it fills the viewer fields)
      schema.security ??= level === 'public' ? [{}, { bearerAuth: [] }] : [{ bearerAuth: [] }];
    }
  });
});
