/**
 * The catalogue of error codes (docs/rules.md "Errors") and the status each maps to. Services
 * throw AppError; only the error plugin turns it into HTTP.
 */
export const errorStatus = {
  bad_request: 400,
  unauthorized: 401,
  forbidden: 403,
  onboarding_required: 403,
  blocked: 403,
  suspended: 403,
  not_found: 404,
  method_not_allowed: 405,
  conflict: 409,
  username_taken: 409,
  already_onboarded: 409,
  already_reposted: 409,
  already_voted: 409,
  poll_closed: 409,
  already_reported: 409,
  edit_window_closed: 409,
  payload_too_large: 413,
  unsupported_media_type: 415,
  validation_error: 422,
  rate_limited: 429,
  internal_error: 500,
  unavailable: 503,
} as const;

export type ErrorCode = keyof typeof errorStatus;

export interface ErrorDetail {
  field: string;
  message: string;
}

export class AppError extends Error {
  override name = 'AppError';
  readonly statusCode: number;

  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly details?: ErrorDetail[],
  ) {
    super(message);
    this.statusCode = errorStatus[code];
  }
}

export const badRequest = (message: string) => new AppError('bad_request', message);
/** No token where one is needed: say how to send one and, for a local server, how to get one. */
export const MISSING_TOKEN =
  'this route needs an access token: send Authorization: Bearer <token> ' +
  '(against a local server, npm run token prints one)';
export const unauthorized = (message = MISSING_TOKEN) => new AppError('unauthorized', message);
export const forbidden = (message = 'you are not allowed to do this') =>
  new AppError('forbidden', message);
export const blocked = (message = 'a block stands between you and this user') =>
  new AppError('blocked', message);
export const notFound = (what = 'resource') => new AppError('not_found', `${what} not found`);
export const conflict = (code: ErrorCode, message: string) => new AppError(code, message);
export const payloadTooLarge = (message: string) => new AppError('payload_too_large', message);
export const unsupportedMediaType = (message: string) =>
  new AppError('unsupported_media_type', message);
export const unavailable = (message = 'the database is unreachable') =>
  new AppError('unavailable', message);

/**
 * The JSON of every error answer (docs/rules.md "Errors"), built here only: by the error
 * handler, and by the socket-level answer to a request the HTTP parser refused.
 */
export function errorBody(
  code: ErrorCode,
  message: string,
  requestId: string,
  details?: ErrorDetail[],
): { error: { code: ErrorCode; message: string; request_id: string; details?: ErrorDetail[] } } {
  return { error: { code, message, request_id: requestId, ...(details ? { details } : {}) } };
}

/** A 422 naming the field at fault, as every validation error does. */
export function invalid(field: string, message: string): AppError {
  return new AppError('validation_error', `${field} ${message}`, [{ field, message }]);
}

export function invalidMany(details: ErrorDetail[]): AppError {
  const first = details[0];
  const summary = first ? `${first.field} ${first.message}` : 'the request is not valid';
  return new AppError('validation_error', summary, details);
}
