import type { FastifyInstance } from 'fastify';
import { explainingJsonParser } from './json-body.js';

/**
 * For routes whose body is optional (toggles, reposts): an empty body sent with
 * `Content-Type: application/json` reads as no body instead of Fastify's 400. Anything else
 * goes to the service's JSON parser (Fastify's, with its prototype-poisoning protection). Call it inside
 * the routes plugin: it changes that plugin's scope only.
 */
export function acceptEmptyJsonBody(app: FastifyInstance): void {
  const parseJson = explainingJsonParser(app);
  app.removeContentTypeParser('application/json');
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (request, body, done) => {
    const text = typeof body === 'string' ? body : body.toString('utf8');
    if (text.trim() === '') {
      done(null, undefined);
      return;
    }
    parseJson(request, text, done);
  });
}
