import { type AppError, conflict, invalid, unavailable } from './errors.js';

/**
 * PostgreSQL errors translated in one place. A unique violation on a known constraint is the
 * conflict it stands for; anything unknown is left for the error plugin to report as a 500.
 */
const uniqueViolations: Record<string, () => AppError> = {
  users_pkey: () => conflict('already_onboarded', 'this account already has a profile'),
  users_username_key: () => conflict('username_taken', 'this username is taken'),
  reposts_post_user_key: () => conflict('already_reposted', 'you already reposted this post'),
  poll_votes_pkey: () => conflict('already_voted', 'you already voted in this poll'),
  reports_one_open: () =>
    conflict('already_reported', 'you already reported this and the report is still open'),
};

const connectionCodes = new Set(['ECONNREFUSED', 'ECONNRESET', 'ENOTFOUND', 'ETIMEDOUT', 'EPIPE']);

interface PgLikeError {
  code?: unknown;
  constraint?: unknown;
  message?: unknown;
}

export function isPgError(error: unknown, code: string, constraint?: string): boolean {
  const e = error as PgLikeError | null;
  return (
    typeof e === 'object' &&
    e !== null &&
    e.code === code &&
    (constraint === undefined || e.constraint === constraint)
  );
}

export function translatePgError(error: unknown): AppError | undefined {
  if (typeof error !== 'object' || error === null) return undefined;
  const { code, constraint, message } = error as PgLikeError;
  if (typeof code !== 'string') return undefined;
  if (code === '23505' && typeof constraint === 'string') return uniqueViolations[constraint]?.();
  // a row of another request changed under us (deadlock, serialization): the client may retry
  if (code === '40P01' || code === '40001') {
    return conflict('conflict', 'the request collided with another one; try again');
  }
  // malformed values, NUL characters (also \u0000 inside JSON), out-of-range numbers
  if (['22P02', '22P05', '22007', '22008', '22021', '22003', '54000'].includes(code)) {
    return invalid('request', 'holds a value the database cannot read');
  }
  if (code === '57014') return unavailable('the database took too long to answer');
  if (code.startsWith('08') || code === '57P01' || code === '53300' || connectionCodes.has(code)) {
    return unavailable();
  }
  if (
    typeof message === 'string' &&
    /Connection terminated|timeout exceeded when trying to connect/i.test(message)
  ) {
    return unavailable();
  }
  return undefined;
}
