import { randomUUID } from 'node:crypto';
import { STATUS_CODES } from 'node:http';
import type { Socket } from 'node:net';
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import {
  AppError,
  type ErrorCode,
  type ErrorDetail,
  errorBody,
  errorStatus,
} from '../lib/errors.js';
import { translatePgError } from '../lib/pg-errors.js';
import { redactUrl } from '../lib/urls.js';
import { reportError } from './sentry.js';

/**
 * One error handler for the whole service: every error leaves in one shape (docs/rules.md
 * "Errors"), with the request id, and without stack traces or SQL. Unexpected errors are
 * logged with the request id, sent to Sentry when configured, and recorded by `recordError`
 * (the error log of modules/errors, handed over where the app is assembled).
 */

/** A bug as the error log keeps it. */
export interface BackendError {
  message: string;
  stack: string | null;
  url: string;
  user_agent: string | null;
  user_id: string | null;
  request_id: string;
}

export interface ErrorsOptions {
  recordError: (error: BackendError) => Promise<unknown>;
}

interface AjvError {
  instancePath?: string;
  keyword?: string;
  message?: string;
  params?: Record<string, unknown>;
}

/** `/poll/options/1` → `poll.options[1]`; a missing property names itself. */
function fieldOf(error: AjvError, context: string | undefined): string {
  const segments = (error.instancePath ?? '').split('/').filter(Boolean);
  const extra = error.params?.missingProperty ?? error.params?.additionalProperty;
  if (typeof extra === 'string') segments.push(extra);
  let field = '';
  for (const segment of segments) {
    field += /^\d+$/.test(segment) ? `[${segment}]` : field ? `.${segment}` : segment;
  }
  return field || (context === 'body' ? 'body' : (context ?? 'request'));
}

function messageOf(error: AjvError): string {
  switch (error.keyword) {
    case 'required':
      return 'is required';
    case 'pattern':
      return 'contains characters that are not allowed';
    case 'format':
      return `must be a valid ${String(error.params?.format ?? 'value')}`;
    case 'additionalProperties':
      return 'is not a known field';
    default:
      return error.message ?? 'is not valid';
  }
}

function validationDetails(error: FastifyError): ErrorDetail[] {
  const seen = new Set<string>();
  const details: ErrorDetail[] = [];
  for (const item of (error.validation ?? []) as AjvError[]) {
    // anyOf/oneOf report each branch; the first message per field is the useful one
    if (item.keyword === 'anyOf' || item.keyword === 'oneOf') continue;
    const field = fieldOf(item, error.validationContext);
    if (seen.has(field)) continue;
    seen.add(field);
    details.push({ field, message: messageOf(item) });
  }
  return details.length ? details : [{ field: 'request', message: 'is not valid' }];
}

const frameworkCodes: Record<string, ErrorCode> = {
  FST_ERR_CTP_BODY_TOO_LARGE: 'payload_too_large',
  FST_ERR_CTP_INVALID_MEDIA_TYPE: 'unsupported_media_type',
  FST_ERR_CTP_EMPTY_JSON_BODY: 'bad_request',
  FST_ERR_CTP_INVALID_JSON_BODY: 'bad_request',
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: 'bad_request',
  FST_REQ_FILE_TOO_LARGE: 'payload_too_large',
  FST_FILES_LIMIT: 'validation_error',
  FST_PARTS_LIMIT: 'payload_too_large',
  FST_FIELDS_LIMIT: 'payload_too_large',
  FST_PROTO_VIOLATION: 'bad_request',
  FST_INVALID_MULTIPART_CONTENT_TYPE: 'bad_request',
};

const messages: Partial<Record<ErrorCode, string>> = {
  bad_request: 'the request body could not be read',
  payload_too_large: 'the request body is too large',
  unsupported_media_type: 'this content type is not accepted here',
  not_found: 'not found',
  rate_limited: 'too many requests; slow down',
};

function codeForStatus(status: number): ErrorCode {
  if (status === 401) return 'unauthorized';
  if (status === 403) return 'forbidden';
  if (status === 404) return 'not_found';
  if (status === 409) return 'conflict';
  if (status === 413) return 'payload_too_large';
  if (status === 415) return 'unsupported_media_type';
  if (status === 422) return 'validation_error';
  if (status === 429) return 'rate_limited';
  if (status === 503) return 'unavailable';
  return 'bad_request';
}

/** Maps anything thrown to the AppError it stands for; undefined means a bug (500). */
export function toAppError(error: unknown): AppError | undefined {
  if (error instanceof AppError) return error;
  const e = error as FastifyError;
  if (e?.validation) {
    // a malformed id in a path names nothing that exists (docs/rules.md: 404, never a 500)
    if (e.validationContext === 'params') return new AppError('not_found', 'not found');
    const details = validationDetails(e);
    const first = details[0]!;
    return new AppError('validation_error', `${first.field} ${first.message}`, details);
  }
  const pg = translatePgError(error);
  if (pg) return pg;
  const known = typeof e?.code === 'string' ? frameworkCodes[e.code] : undefined;
  if (known) {
    const message =
      known === 'validation_error'
        ? 'too many files in one request'
        : (messages[known] ?? e.message);
    return new AppError(known, message);
  }
  if (e instanceof SyntaxError && (e as FastifyError).statusCode === 400) {
    return new AppError('bad_request', 'the request body is not valid JSON');
  }
  const status = e?.statusCode;
  if (typeof status === 'number' && status >= 400 && status < 500) {
    const code = codeForStatus(status);
    return new AppError(code, messages[code] ?? 'the request could not be handled');
  }
  return undefined;
}

export function sendError(
  reply: FastifyReply,
  request: FastifyRequest,
  code: ErrorCode,
  message: string,
  details?: ErrorDetail[],
) {
  return reply
    .status(errorStatus[code])
    .type('application/json; charset=utf-8')
    .send(errorBody(code, message, request.id, details));
}

export const errorsPlugin = fp(async (app: FastifyInstance, options: ErrorsOptions) => {
  app.setErrorHandler(async (error, request, reply) => {
    const known = toAppError(error);
    if (known) {
      if (known.statusCode >= 500) request.log.warn({ code: known.code }, known.message);
      return sendError(reply, request, known.code, known.message, known.details);
    }
    request.log.error({ err: error }, 'unhandled error');
    reportError(error, request);
    await options
      .recordError({
        message: String((error as Error)?.message ?? error).slice(0, 2000),
        stack: (error as Error)?.stack?.slice(0, 20_000) ?? null,
        url: `${request.method} ${redactUrl(request.url)}`.slice(0, 2000),
        user_agent: request.headers['user-agent']?.slice(0, 1000) ?? null,
        user_id: request.auth?.userId ?? null,
        request_id: request.id,
      })
      .catch((logError: unknown) =>
        request.log.error({ err: logError }, 'could not record the error in error_logs'),
      );
    return sendError(reply, request, 'internal_error', 'something went wrong on our side');
  });

  app.setNotFoundHandler(async (request, reply) =>
    sendError(
      reply,
      request,
      'not_found',
      `no route ${request.method} ${request.url.split('?')[0]?.slice(0, 200)}`,
    ),
  );
});

/**
 * Errors of Fastify's router, raised before any hook or the error handler runs (Fastify's
 * `frameworkErrors` option): a path segment over 100 characters names nothing that exists
 * (404, like a malformed id), a broken %-escape in the path is a 400.
 */
export function frameworkErrors(error: FastifyError, request: FastifyRequest, reply: FastifyReply) {
  reply.header('x-request-id', request.id);
  if (error.code === 'FST_ERR_MAX_PARAM_LENGTH') {
    return sendError(reply, request, 'not_found', 'not found');
  }
  if (error.code === 'FST_ERR_BAD_URL') {
    return sendError(reply, request, 'bad_request', 'the path of the request is not valid');
  }
  request.log.error({ err: error }, 'router error');
  return sendError(reply, request, 'internal_error', 'something went wrong on our side');
}

/**
 * A request Node's HTTP parser refuses (headers over 16 KB, a malformed request line, a client
 * too slow to send its headers) never reaches Fastify's routes or error handler: it is answered
 * here, on the socket, in the same error shape, then the connection is closed.
 */
export function clientErrorHandler(
  this: FastifyInstance,
  error: Error & { code?: string },
  socket: Socket,
) {
  if (error.code === 'ECONNRESET' || socket.destroyed) return;
  const [status, message] =
    error.code === 'HPE_HEADER_OVERFLOW'
      ? [431, 'the request headers are too large']
      : error.code === 'ERR_HTTP_REQUEST_TIMEOUT'
        ? [408, 'the request took too long to arrive']
        : [400, 'the request could not be read'];
  const requestId = randomUUID();
  this.log.debug({ err: error, request_id: requestId }, 'client error');
  if (socket.writable) {
    const body = JSON.stringify(errorBody('bad_request', message, requestId));
    socket.write(
      `HTTP/1.1 ${status} ${STATUS_CODES[status]}\r\n` +
        'Content-Type: application/json; charset=utf-8\r\n' +
        `Content-Length: ${Buffer.byteLength(body)}\r\n` +
        `X-Request-Id: ${requestId}\r\nConnection: close\r\n\r\n${body}`,
    );
  }
  socket.destroy(error);
}
