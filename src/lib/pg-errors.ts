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

const connectionCodes = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ENOTFOUND',
  'ETIMEDOUT',
  'EPIPE',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'EAI_AGAIN',
]);

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

/** Messages of node-postgres and pg-pool for a connection that failed or was lost; they carry no code. */
const connectionMessages =
  /Connection terminated|timeout exceeded when trying to connect|Client has encountered a connection error|Connection closed/i;

export function translatePgError(error: unknown): AppError | undefined {
  if (typeof error !== 'object' || error === null) return undefined;
  const { code, constraint, message } = error as PgLikeError;
  // the pool's connect timeout and a connection cut mid-query have a message but no code
  if (typeof code !== 'string') {
    return typeof message === 'string' && connectionMessages.test(message)
      ? unavailable()
      : undefined;
  }
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
  // 08: connection exceptions; 57P01-57P05: the server shuts down, crashed, is starting up
  // (57P03, during a restart), lost the database or ended an idle session; 53300: too many
  // connections; 3D000: the database does not exist (dropped, or a wrong DATABASE_URL)
  if (
    code.startsWith('08') ||
    code.startsWith('57P') ||
    code === '53300' ||
    code === '3D000' ||
    connectionCodes.has(code)
  ) {
    return unavailable();
  }
  if (typeof message === 'string' && connectionMessages.test(message)) return unavailable();
  return undefined;
}
