import type { FastifyInstance, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import { invalid } from '../lib/errors.js';

/**
 * Limits every request shares (docs/resilience.md):
 * - a JSON body nests at most MAX_JSON_DEPTH levels: no request of the API needs more, and a
 *   body of `{"a":{"a":...}}` 5,000 deep (30 KB) overflowed the stack of whatever walked it
 *   (JSON.stringify of an error report's context) into a 500;
 * - a request answered before its body was read (an early 413, a 401 on an upload) still reads
 *   and drops the rest of the body, so that a client that is still sending (browsers and
 *   Node's fetch send the whole body before they read the answer) gets the answer instead of a
 *   connection reset. Only so much is read: past DRAIN_MAX_BYTES or DRAIN_MAX_MS the
 *   connection is cut.
 */
export const MAX_JSON_DEPTH = 32;
export const DRAIN_MAX_BYTES = 32 * 1024 * 1024;
export const DRAIN_MAX_MS = 15_000;

/** True when `value` nests deeper than `max` arrays and objects; iterative (no recursion). */
export function nestedDeeperThan(value: unknown, max: number): boolean {
  const stack: Array<[unknown, number]> = [[value, 1]];
  while (stack.length > 0) {
    const [item, depth] = stack.pop()!;
    if (item === null || typeof item !== 'object') continue;
    if (depth > max) return true;
    for (const child of Object.values(item)) {
      if (child !== null && typeof child === 'object') stack.push([child, depth + 1]);
    }
  }
  return false;
}

/** Reads and drops what is left of a request body, within bounds; then the socket may go. */
function drainBody(request: FastifyRequest): void {
  const raw = request.raw;
  if (raw.complete || raw.destroyed) return;
  const declared = Number(request.headers['content-length']);
  const socket = raw.socket;
  if (declared > DRAIN_MAX_BYTES) {
    // more than is worth reading: the client will see the connection close
    socket.destroySoon();
    return;
  }
  let drained = 0;
  const cut = () => {
    raw.off('data', count);
    socket.destroy();
  };
  const timer = setTimeout(cut, DRAIN_MAX_MS);
  timer.unref();
  function count(chunk: Buffer) {
    drained += chunk.length;
    if (drained > DRAIN_MAX_BYTES) {
      clearTimeout(timer);
      cut();
    }
  }
  raw.on('data', count);
  raw.once('end', () => {
    clearTimeout(timer);
    raw.off('data', count);
  });
  raw.once('close', () => clearTimeout(timer));
  raw.resume();
}

export const requestLimitsPlugin = fp(async (app: FastifyInstance) => {
  app.addHook('preValidation', async (request) => {
    if (request.body !== null && typeof request.body === 'object') {
      if (nestedDeeperThan(request.body, MAX_JSON_DEPTH)) {
        throw invalid('body', `is nested more than ${MAX_JSON_DEPTH} levels deep`);
      }
    }
  });

  app.addHook('onSend', async (request, reply) => {
    if (request.raw.complete === false) {
      // answered before the body was read: keep the connection until the rest has come in
      // (drainBody), so the client reads this answer; Fastify and the uploads ask to close it
      reply.removeHeader('connection');
      reply.raw.once('finish', () => drainBody(request));
    }
  });
});
