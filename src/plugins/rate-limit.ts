import rateLimit from '@fastify/rate-limit';
import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import { Redis } from 'ioredis';
import { AppError } from '../lib/errors.js';

/**
 * RATE_LIMIT_MAX requests a minute for each user (or each IP when anonymous or when the token
 * is refused); 0 turns it off. With REDIS_URL the count is shared by every instance. Behind a
 * proxy (TRUST_PROXY) the address is the first public one from the right of X-Forwarded-For
 * (lib/ip.ts trustedHop), which a client cannot choose.
 */
export const rateLimitPlugin = fp(async (app: FastifyInstance) => {
  const max = app.config.rateLimitMax;
  if (max === 0) return;
  let redis: Redis | undefined;
  if (app.config.redisUrl) {
    redis = new Redis(app.config.redisUrl, {
      connectTimeout: 2_000,
      maxRetriesPerRequest: 1,
      enableOfflineQueue: false,
    });
    redis.on('error', (error) => app.log.warn({ err: error }, 'redis error'));
    app.addHook('onClose', async () => {
      redis?.disconnect();
    });
  }
  await app.register(rateLimit, {
    // the hook is added below, once for every request, rather than per route
    global: false,
    max,
    timeWindow: 60_000,
    ...(redis ? { redis, nameSpace: 'pageshare-rl:' } : {}),
    // if Redis is down, serve rather than refuse everyone
    skipOnError: true,
    // a user by their verified token; anyone else, a refused token included, by address
    keyGenerator: (request) => (request.auth ? `u:${request.auth.userId}` : `ip:${request.ip}`),
    allowList: (request) => request.url === '/health',
    errorResponseBuilder: (_request, context) => {
      const error = new AppError(
        'rate_limited',
        `too many requests: at most ${context.max} a minute; retry in ${context.after}`,
      );
      return error;
    },
  });
  // An app-wide hook, in the order the app registers it: after the token is checked (so a
  // user is counted as a user) and before a refused token is answered (so it is counted
  // too, against its address); @fastify/rate-limit's own per-route hooks would run last.
  const limit = app.rateLimit();
  app.addHook('onRequest', async (request, reply) => {
    if (request.routeOptions.config?.rateLimit === false) return;
    await limit.call(app, request, reply);
  });
});
