import {
  createRemoteJWKSet,
  decodeProtectedHeader,
  type JWTPayload,
  type JWTVerifyOptions,
  errors as joseErrors,
  jwtVerify,
  SignJWT,
} from 'jose';
import { AppError, unauthorized, unavailable } from './errors.js';
import { isUuid } from './schemas.js';

/**
 * Supabase access tokens. HS256 tokens are checked with the legacy secret; ES256 and RS256
 * tokens with the project's JWKS (cached; refetched for an unknown kid at most once a minute).
 * The algorithm is pinned to the kind of key, so an HS256 token "signed" with a public key, or
 * an unsigned one (alg none), is refused.
 */
export interface VerifiedToken {
  userId: string;
  expiresAt: Date | null;
  /** app_metadata.role = "admin" in the token */
  adminClaim: boolean;
  claims: JWTPayload;
}

export type TokenVerifier = (token: string) => Promise<VerifiedToken>;

const CLOCK_TOLERANCE_S = 30;
/** Supabase's longest access token lives a week; a year is generous and keeps dates valid. */
const MAX_LIFETIME_S = 366 * 24 * 3600;
/** The role Supabase gives a signed-in user's token (`anon` and `service_role` are keys). */
const USER_ROLE = 'authenticated';
const CACHE_TTL_MS = 5 * 60_000;
const CACHE_MAX_TOKENS = 10_000;

export function jwksUrl(supabaseUrl: string): URL {
  return new URL(`${supabaseUrl}/auth/v1/.well-known/jwks.json`);
}

export function issuerOf(supabaseUrl: string): string {
  return `${supabaseUrl}/auth/v1`;
}

/** What a verifier checks tokens against: the HS256 secret, the project's JWKS, or both. */
export interface TokenSettings {
  jwtSecret: string | undefined;
  supabaseUrl: string | undefined;
  jwtAudience: string;
}

export function createTokenVerifier(config: TokenSettings): TokenVerifier {
  const secret = config.jwtSecret ? new TextEncoder().encode(config.jwtSecret) : undefined;
  const jwks = config.supabaseUrl
    ? createRemoteJWKSet(jwksUrl(config.supabaseUrl), {
        cooldownDuration: 60_000,
        cacheMaxAge: 10 * 60_000,
        timeoutDuration: 5_000,
      })
    : undefined;
  const base: JWTVerifyOptions = {
    audience: config.jwtAudience,
    clockTolerance: CLOCK_TOLERANCE_S,
    requiredClaims: ['sub', 'exp', 'aud'],
    ...(config.supabaseUrl ? { issuer: issuerOf(config.supabaseUrl) } : {}),
  };

  // A verified token is remembered for a few minutes (never past its expiry): a client sends
  // the same token with every request, and checking a signature is a large share of a cheap
  // request's time. Only successes are kept; the key is the whole token.
  const verified = new Map<string, { result: VerifiedToken; until: number }>();

  return async (token) => {
    const now = Date.now();
    const cached = verified.get(token);
    if (cached && cached.until > now) return cached.result;
    const result = await verifyUncached(token);
    const expires = result.expiresAt ? result.expiresAt.getTime() : Number.POSITIVE_INFINITY;
    if (verified.size >= CACHE_MAX_TOKENS) verified.delete(verified.keys().next().value!);
    verified.set(token, { result, until: Math.min(now + CACHE_TTL_MS, expires) });
    return result;
  };

  async function verifyUncached(token: string): Promise<VerifiedToken> {
    let alg: string | undefined;
    try {
      alg = decodeProtectedHeader(token).alg;
    } catch {
      throw unauthorized('the access token is malformed');
    }
    let payload: JWTPayload;
    try {
      if (alg === 'HS256' && secret) {
        ({ payload } = await jwtVerify(token, secret, { ...base, algorithms: ['HS256'] }));
      } else if ((alg === 'ES256' || alg === 'RS256') && jwks) {
        ({ payload } = await jwtVerify(token, jwks, { ...base, algorithms: ['ES256', 'RS256'] }));
      } else {
        throw unauthorized('the access token is signed in a way this service does not accept');
      }
    } catch (error) {
      throw toAuthError(error);
    }
    if (typeof payload.sub !== 'string' || !isUuid(payload.sub)) {
      throw unauthorized('the access token names no user');
    }
    checkClaims(payload);
    const appMetadata = payload.app_metadata as { role?: unknown } | undefined;
    return {
      userId: payload.sub.toLowerCase(),
      expiresAt: typeof payload.exp === 'number' ? new Date(payload.exp * 1000) : null,
      adminClaim: appMetadata?.role === 'admin',
      claims: payload,
    };
  }
}

/**
 * What jose leaves to us: the token must be a signed-in user's (`role` "authenticated": the
 * project's anon and service_role keys are signed with the same secret and may carry any
 * `sub`), must not expire further ahead than any access token does (an `exp` of 1e308 is no
 * date at all), and must not have been issued in the future.
 */
function checkClaims(payload: JWTPayload): void {
  const now = Date.now() / 1000;
  if (payload.role !== USER_ROLE) {
    throw unauthorized(`the access token's role claim is not accepted (it must be "${USER_ROLE}")`);
  }
  if (typeof payload.exp !== 'number' || payload.exp > now + MAX_LIFETIME_S) {
    throw unauthorized("the access token's exp claim is not accepted (too far in the future)");
  }
  if (payload.iat !== undefined && (payload.iat as number) > now + CLOCK_TOLERANCE_S) {
    throw unauthorized("the access token's iat claim is not accepted (issued in the future)");
  }
}

function toAuthError(error: unknown): AppError {
  if (error instanceof AppError) return error;
  if (error instanceof joseErrors.JWTExpired) return unauthorized('the access token has expired');
  if (error instanceof joseErrors.JWTClaimValidationFailed) {
    return unauthorized(`the access token's ${error.claim} claim is not accepted`);
  }
  // the key set could not be fetched: we cannot tell a good token from a bad one
  if (error instanceof joseErrors.JWKSTimeout)
    return unavailable('the token keys could not be fetched');
  if (error instanceof joseErrors.JOSEError) return unauthorized('the access token is not valid');
  if (error instanceof TypeError || (error as { code?: string })?.code === 'ECONNREFUSED') {
    return unavailable('the token keys could not be fetched');
  }
  return unauthorized('the access token is not valid');
}

export interface MintOptions {
  userId: string;
  secret: string;
  audience?: string;
  issuer?: string;
  admin?: boolean;
  expiresInSeconds?: number;
  email?: string;
}

/** An HS256 token shaped like Supabase's, for local development and tests. */
export async function mintToken(options: MintOptions): Promise<string> {
  const now = Math.floor(Date.now() / 1000);
  const jwt = new SignJWT({
    role: 'authenticated',
    email: options.email ?? `${options.userId.slice(0, 8)}@example.test`,
    app_metadata: { provider: 'email', ...(options.admin ? { role: 'admin' } : {}) },
    user_metadata: {},
  })
    .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
    .setSubject(options.userId)
    .setAudience(options.audience ?? 'authenticated')
    .setIssuedAt(now)
    .setExpirationTime(now + (options.expiresInSeconds ?? 3600));
  if (options.issuer) jwt.setIssuer(options.issuer);
  return jwt.sign(new TextEncoder().encode(options.secret));
}
