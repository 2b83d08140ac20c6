import type { FastifyBodyParser, FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import { badRequest } from '../lib/errors.js';
import { describeJsonError } from '../lib/json-errors.js';

/**
 * Fastify's own JSON parser (with its prototype-poisoning protection), except that a body that
 * does not parse is a 400 saying where: "the body is not valid JSON: unexpected 'j' at line 1,
 * column 9". Fastify's parser drops that detail.
 */
export function explainingJsonParser(app: FastifyInstance): FastifyBodyParser<string> {
  const parseJson = app.getDefaultJsonParser('error', 'error');
  return (request, body, done) => {
    parseJson(request, body, (error, value) => {
      if (error && (error as { code?: string }).code === 'FST_ERR_CTP_INVALID_JSON_BODY') {
        done(badRequest(`the body is not valid JSON: ${describeJsonError(body)}`), undefined);
        return;
      }
      done(error, value);
    });
  };
}

/**
 * Bodies are JSON (docs/rules.md): the explaining parser above for application/json, and no
 * text/plain parser, so a text body is a 415 naming application/json rather than a 422 about
 * the body's type. Multipart is read by the upload routes in their own scope.
 */
export const jsonBodyPlugin = fp(async (app: FastifyInstance) => {
  const parse = explainingJsonParser(app);
  app.removeContentTypeParser(['application/json', 'text/plain']);
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (request, body, done) =>
    parse(request, typeof body === 'string' ? body : body.toString('utf8'), done),
  );
});
