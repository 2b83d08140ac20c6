import { createHash, timingSafeEqual } from 'node:crypto';
import type {
  FastifyInstance,
  FastifyRequest,
  onRequestAsyncHookHandler,
  RouteOptions,
} from 'fastify';
import fp from 'fastify-plugin';
import type { Config } from '../config.js';
import { AppError, forbidden, notFound, unauthorized } from '../lib/errors.js';
import { createTokenVerifier, type TokenVerifier, type VerifiedToken } from '../lib/tokens.js';

/**
 * Who is asking, and who may ask (docs/architecture.md "Auth levels"). Closed by default:
 * every route declares its level in `config.auth`, and a route that does not stops the start.
 *   public — anyone; a valid token fills the viewer fields
 *   token  — a valid token, profile or not (onboarding)
 *   user   — a valid token of a user who has a profile (else 403 onboarding_required)
 *   admin  — a user listed in ADMIN_USER_IDS, with app_metadata.role = "admin", or users.is_admin
 *   cron   — `Authorization: Bearer $CRON_SECRET` (the route does not exist while it is unset)
 * A route whose level depends on a query parameter declares `authByQuery(...)` (GET /feed:
 * `type=all` is public, `type=following` needs a token); that check runs after validation,
 * when the parameter has its default.
 *
 * Every request's bearer token is checked first (an invalid token is a 401 on every route,
 * public ones too). The level also puts the right security scheme on the route in the
 * OpenAPI document.
 */
export type AuthLevel = 'public' | 'token' | 'user' | 'admin' | 'cron';

export interface AuthByQuery {
  query: string;
  levels: Record<string, Exclude<AuthLevel, 'cron'>>;
}

/** The level of a route that depends on one query parameter's value. */
export function authByQuery(query: string, levels: AuthByQuery['levels']): AuthByQuery {
  return { query, levels };
}

const LEVELS: readonly AuthLevel[] = ['public', 'token', 'user', 'admin', 'cron'];
/** How long an admin token without an expiry counts as an admin's in SQL (renewed on use). */
const ADMIN_WITHOUT_EXPIRY_MS = 3_600_000;
const ADMIN_RECORD_RETRY_MS = 30_000;

export interface CurrentUser {
  id: string;
  isAdmin: boolean;
  /** a suspension stands now (docs/rules.md "Suspension") */
  suspended?: boolean;
}

/** What the auth checks need to know of a caller's profile; undefined before onboarding. */
export type AccountLoader = (
  userId: string,
) => Promise<{ id: string; is_admin: boolean; suspended: boolean } | undefined>;

export interface AuthOptions {
  loadAccount: AccountLoader;
  /**
   * Records that a user is an admin by token or ADMIN_USER_IDS until a time, or no longer
   * (null), for what SQL decides: who sees a suspended author's content (users.admin_until,
   * migration 0062). Called before the route runs, on the first request of such an admin's
   * token that this instance sees, and when this instance sees that user come back with a
   * token that is no longer an admin's. Answers false when the user has no profile yet.
   */
  recordAdmin?: (userId: string, until: Date | null) => Promise<boolean>;
  /**
   * Levels of the routes that plugins of other packages register, which cannot carry our
   * `config` (the CORS preflight, the docs' files): by `METHOD url`, or by URL prefix ending
   * in `*`, e.g. `{ 'OPTIONS *': 'public', 'GET /docs*': 'public' }`.
   */
  otherRoutes: Record<string, AuthLevel>;
}

declare module 'fastify' {
  interface FastifyRequest {
    auth: VerifiedToken | null;
    /** Why the bearer token was refused; rejectInvalidToken answers it. */
    tokenError: unknown;
    /** Set on user and admin routes: the caller's profile. */
    user: CurrentUser | null;
  }
  interface FastifyContextConfig {
    auth?: AuthLevel | AuthByQuery;
    /**
     * A write a suspended user may still make (about their own account only: erasure,
     * export, muted words, settings, mutes and blocks). Other writes answer 403 `suspended`.
     */
    allowSuspended?: boolean;
    /**
     * The token may come as `?access_token=` when no Authorization header is sent: for the
     * live streams only, which a browser's EventSource opens without headers. The value is
     * kept out of every log line (redactUrl in lib/urls.ts).
     */
    tokenInQuery?: boolean;
  }
  interface FastifyInstance {
    verifyToken: TokenVerifier;
  }
}

/**
 * An admin by the token (app_metadata.role = "admin") or by ADMIN_USER_IDS: known without the
 * database. The third way, users.is_admin, needs the profile.
 */
export function adminWithoutProfile(auth: VerifiedToken, config: Config): boolean {
  return auth.adminClaim || config.adminUserIds.has(auth.userId);
}

/** The caller on a user or admin route (where the auth check guarantees one). */
export function currentUser(request: FastifyRequest): CurrentUser {
  if (!request.user) throw unauthorized();
  return request.user;
}

/** The caller's id on a user or admin route. */
export function currentUserId(request: FastifyRequest): string {
  return currentUser(request).id;
}

/** The viewer's id on a public route, or null when anonymous. */
export function viewerId(request: FastifyRequest): string | null {
  return request.auth?.userId ?? null;
}

/** Compares digests, so neither the secret's content nor its length shows in the timing. */
function secretMatches(sent: string, secret: string): boolean {
  const digest = (value: string) => createHash('sha256').update(value).digest();
  return timingSafeEqual(digest(sent), digest(secret));
}

const BEARER = /^Bearer\s+([A-Za-z0-9._~+/=-]+)\s*$/i;

/**
 * Answers a refused bearer token (401, or 503 when the keys cannot be fetched). The app
 * registers it after the rate limit: the token is checked first, so that a user is counted
 * as a user, but a request whose token is refused is counted against its address.
 */
export async function rejectInvalidToken(request: FastifyRequest): Promise<void> {
  if (request.tokenError) throw request.tokenError;
}

export const authPlugin = fp(async (app: FastifyInstance, options: AuthOptions) => {
  const verify = createTokenVerifier(app.config);
  app.decorate('verifyToken', verify);
  app.decorateRequest('auth', null);
  app.decorateRequest('tokenError', null);
  app.decorateRequest('user', null);

  /** Per user, the admin_until this instance recorded last (ms; 0: cleared). Admins only. */
  const recordedAdmins = new Map<string, number>();
  /** After a failed write, when to try again (ms), per user. */
  const retryAt = new Map<string, number>();
  async function recordAdmin(request: FastifyRequest, auth: VerifiedToken) {
    const record = options.recordAdmin;
    if (!record) return;
    const recorded = recordedAdmins.get(auth.userId);
    // a failed write never fails the request, and is tried again 30 s later: the admin routes
    // that need no database (GET /metrics/health) must answer, and at once, while it is down
    const attempt = async (until: number) => {
      if ((retryAt.get(auth.userId) ?? 0) > Date.now()) return false;
      try {
        const done = await record(auth.userId, until ? new Date(until) : null);
        retryAt.delete(auth.userId);
        return done;
      } catch (error) {
        retryAt.set(auth.userId, Date.now() + ADMIN_RECORD_RETRY_MS);
        request.log.warn({ err: error }, 'could not record the admin in users.admin_until');
        return false;
      }
    };
    if (adminWithoutProfile(auth, app.config)) {
      const until = auth.expiresAt?.getTime() ?? Date.now() + ADMIN_WITHOUT_EXPIRY_MS;
      // the same token again writes nothing; a later one moves the time on
      if (recorded !== undefined && until <= recorded + 60_000) return;
      // kept only once a profile holds it: an admin who onboards later is recorded then
      if (await attempt(until)) recordedAdmins.set(auth.userId, until);
    } else if (recorded) {
      if (await attempt(0)) recordedAdmins.set(auth.userId, 0);
    }
  }

  app.addHook('onRequest', async (request) => {
    const header = request.headers.authorization;
    if (header === undefined && request.routeOptions.config?.tokenInQuery) {
      const token = (request.query as { access_token?: unknown } | undefined)?.access_token;
      if (typeof token === 'string' && token !== '') {
        request.auth = await verify(token);
        await recordAdmin(request, request.auth);
      }
      return;
    }
    // a cron route's Authorization carries the shared secret, not a user's token
    if (header === undefined || request.routeOptions.config?.auth === 'cron') return;
    const match = BEARER.exec(header);
    try {
      if (!match?.[1]) throw unauthorized('the Authorization header must be "Bearer <token>"');
      request.auth = await verify(match[1]);
    } catch (error) {
      // refused by rejectInvalidToken, after the rate limit has counted the request against
      // its address (a refused token is never a user's, so it must not escape the count)
      request.tokenError = error;
      return;
    }
    await recordAdmin(request, request.auth);
  });

  async function loadProfile(auth: VerifiedToken): Promise<CurrentUser | null> {
    const row = await options.loadAccount(auth.userId);
    if (!row) return null;
    return {
      id: row.id,
      isAdmin: row.is_admin || adminWithoutProfile(auth, app.config),
      suspended: row.suspended,
    };
  }

  const READS = new Set(['GET', 'HEAD', 'OPTIONS']);
  /** A suspended user reads, and writes only what concerns their own account. */
  function refuseSuspended(request: FastifyRequest, user: CurrentUser) {
    if (!user.suspended || READS.has(request.method)) return;
    if (request.routeOptions.config?.allowSuspended) return;
    throw new AppError('suspended', 'this account is suspended: it can read, but not write');
  }

  const checks: Record<Exclude<AuthLevel, 'public'>, (request: FastifyRequest) => Promise<void>> = {
    async token(request) {
      if (!request.auth) throw unauthorized();
    },
    async user(request) {
      if (!request.auth) throw unauthorized();
      const user = await loadProfile(request.auth);
      if (!user) {
        throw new AppError(
          'onboarding_required',
          'finish onboarding first (POST /users/me/onboarding)',
        );
      }
      refuseSuspended(request, user);
      request.user = user;
    },
    async admin(request) {
      const auth = request.auth;
      if (!auth) throw unauthorized();
      // an admin by token or by configuration need not have a profile
      if (adminWithoutProfile(auth, app.config)) {
        request.user = { id: auth.userId, isAdmin: true };
        return;
      }
      const user = await loadProfile(auth);
      if (!user?.isAdmin) throw forbidden('this is for admins only');
      request.user = user;
    },
    async cron(request) {
      const secret = app.config.cronSecret;
      // unset: the route does not exist
      if (secret === undefined) throw notFound('route');
      const match = /^Bearer\s+(\S+)\s*$/i.exec(request.headers.authorization ?? '');
      if (!match?.[1] || !secretMatches(match[1], secret)) {
        throw unauthorized('send Authorization: Bearer <CRON_SECRET>');
      }
    },
  };

  function levelOf(route: RouteOptions): AuthLevel | AuthByQuery | undefined {
    const declared = route.config?.auth;
    if (declared !== undefined) return declared;
    const methods = [route.method].flat();
    for (const [pattern, level] of Object.entries(options.otherRoutes)) {
      const [method, url] = pattern.split(' ') as [string, string];
      if (!methods.includes(method as never)) continue;
      if (url.endsWith('*') ? route.url.startsWith(url.slice(0, -1)) : route.url === url) {
        return level;
      }
    }
    return undefined;
  }

  app.addHook('onRoute', (route) => {
    const level = levelOf(route);
    if (level === undefined || (typeof level === 'string' && !LEVELS.includes(level))) {
      const methods = [route.method].flat().join(',');
      throw new Error(
        `${methods} ${route.url} declares no auth level: give the route ` +
          `config: { auth: ${LEVELS.map((l) => `'${l}'`).join(' | ')} } (src/plugins/auth.ts)`,
      );
    }
    route.config = { ...route.config, auth: level };
    if (typeof level === 'string') {
      if (level !== 'public') {
        const check: onRequestAsyncHookHandler = (request) => checks[level](request);
        route.onRequest = [check, ...(route.onRequest ? [route.onRequest].flat() : [])];
      }
    } else {
      // after validation: the query parameter has its default by then
      route.preHandler = [
        async (request: FastifyRequest) => {
          const value = (request.query as Record<string, unknown>)[level.query];
          const needed = level.levels[String(value)] ?? 'user';
          if (needed !== 'public') await checks[needed](request);
        },
        ...(route.preHandler ? [route.preHandler].flat() : []),
      ];
    }
    if (route.schema && !route.schema.hide) {
      const schema = route.schema as Record<string, unknown>;
      // what the interactive docs show: a lock on the routes that need a user's token, and
      // on those where some query values need one (GET /feed?type=following). A public
      // route shows none (so the docs call it anonymously, as most clients do); the cron route is for the platform's scheduler, whose secret the docs'
      // Authorize dialog does not ask for (its description says how to call it).
      schema.security ??=
        level === 'public' || level === 'cron'
          ? []
          : typeof level !== 'string'
            ? [{}, { bearerAuth: [] }]
            : [{ bearerAuth: [] }];
    }
  });
});
