import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import { JsonText } from '../lib/json-text.js';

const textOf = (payload: unknown) => (payload as JsonText<unknown>).text;

/**
 * A reply whose payload is a JsonText is sent as its text: the response schema's serializer
 * is skipped for that reply only (the text already is JSON of that schema), and the reply
 * keeps Fastify's JSON content type and every onSend hook.
 */
export const jsonTextPlugin = fp(async (app: FastifyInstance) => {
  app.addHook('preSerialization', (_request, reply, payload, done) => {
    if (payload instanceof JsonText) reply.serializer(textOf);
    done(null, payload);
  });
});
