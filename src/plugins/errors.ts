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
  /** with ajv's `verbose` (request bodies): the schema holding the failing keyword */
  parentSchema?: { properties?: Record<string, unknown> };
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

const listed = (values: unknown[]) => values.map((v) => JSON.stringify(v)).join(', ');

function messageOf(error: AjvError): string {
  switch (error.keyword) {
    case 'required':
      return 'is required';
    case 'pattern':
      return 'contains characters that are not allowed';
    case 'format':
      return `must be a valid ${String(error.params?.format ?? 'value')}`;
    case 'additionalProperties': {
      const known = Object.keys(error.parentSchema?.properties ?? {});
      return known.length
        ? `is not a known field (known fields: ${known.join(', ')})`
        : 'is not a known field';
    }
    default:
      return error.message ?? 'is not valid';
  }
}

/**
 * A fixed-choice value (a union of constants, an enum, perhaps nullable) fails once per
 * choice; the message lists the choices instead ("must be one of "bullish", "bearish", null").
 */
function choicesOf(errors: AjvError[]): unknown[] | undefined {
  const choices: unknown[] = [];
  for (const error of errors) {
    if (error.keyword === 'const') choices.push(error.params?.allowedValue);
    else if (error.keyword === 'enum') choices.push(...((error.params?.allowedValues as []) ?? []));
  }
  if (!choices.length) return undefined;
  if (errors.some((e) => e.keyword === 'type' && e.params?.type === 'null')) choices.push(null);
  return choices;
}

function validationDetails(error: FastifyError): ErrorDetail[] {
  const byField = new Map<string, AjvError[]>();
  for (const item of (error.validation ?? []) as AjvError[]) {
    // anyOf/oneOf report each branch, then themselves; the branches say more
    if (item.keyword === 'anyOf' || item.keyword === 'oneOf') continue;
    const field = fieldOf(item, error.validationContext);
    byField.set(field, [...(byField.get(field) ?? []), item]);
  }
  const details: ErrorDetail[] = [];
  for (const [field, errors] of byField) {
    const choices = choicesOf(errors);
    const message = choices ? `must be one of ${listed(choices)}` : messageOf(errors[0]!);
    details.push({ field, message });
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
  unsupported_media_type: 'send the body as application/json',
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
        : e.code === 'FST_ERR_CTP_EMPTY_JSON_BODY'
          ? 'the body is empty but Content-Type says application/json: send a JSON body, or no Content-Type'
          : (messages[known] ?? e.message);
    return new AppError(known, message);
  }
  if (e instanceof SyntaxError && (e as FastifyError).statusCode === 400) {
    return new AppError('bad_request', 'the body is not valid JSON');
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
    if (known && (error as FastifyError).code === 'FST_ERR_CTP_INVALID_MEDIA_TYPE') {
      const sent = (request.headers['content-type'] ?? '').split(';')[0]?.trim().slice(0, 100);
      const message = `${sent ? `Content-Type ${sent} is not accepted here; ` : ''}send the body as application/json`;
      return sendError(reply, request, known.code, message);
    }
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

  // a known path asked with a method it does not serve is a 405 naming the ones it does
  const paths = new RoutePaths();
  app.addHook('onRoute', (route) => paths.add(route.url, [route.method].flat()));

  app.setNotFoundHandler(async (request, reply) => {
    const path = request.url.split('?')[0] ?? '/';
    const allowed = paths.methodsOf(path);
    // a route of this method that found nothing (callNotFound) is a 404, not a 405
    if (allowed.length && !allowed.includes(request.method)) {
      reply.header('allow', allowed.join(', '));
      return sendError(
        reply,
        request,
        'method_not_allowed',
        `${path.slice(0, 200)} does not take ${request.method}; it takes ${allowed.join(', ')}`,
      );
    }
    return sendError(
      reply,
      request,
      'not_found',
      `no route ${request.method} ${path.slice(0, 200)} (every route is listed at /docs)`,
    );
  });
});

/**
 * The methods each route path serves, to answer 405 with `Allow`. Paths match as the router's
 * do (`:param` is one segment); catch-all routes (`*`, such as the CORS preflight) are left
 * out, or every path would seem known.
 */
export class RoutePaths {
  private readonly routes: Array<{ pattern: RegExp; methods: Set<string> }> = [];
  private readonly byUrl = new Map<string, Set<string>>();

  add(url: string, methods: string[]) {
    if (url.includes('*')) return;
    let known = this.byUrl.get(url);
    if (!known) {
      known = new Set();
      this.byUrl.set(url, known);
      const source = url
        .split('/')
        .map((segment) =>
          segment.startsWith(':') ? '[^/]+' : segment.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'),
        )
        .join('/');
      this.routes.push({ pattern: new RegExp(`^${source}$`), methods: known });
    }
    for (const method of methods) known.add(method);
  }

  methodsOf(path: string): string[] {
    const methods = new Set<string>();
    for (const route of this.routes) {
      if (route.pattern.test(path)) for (const method of route.methods) methods.add(method);
    }
    return [...methods].sort();
  }
}

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
