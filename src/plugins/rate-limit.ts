import rateLimit from '@fastify/rate-limit';
import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import { Redis } from 'ioredis';
import { AppError } from '../lib/errors.js';

/**
 * RATE_LIMIT_MAX requests a minute for each user (or each IP when anonymous); 0 turns it off.
 * With REDIS_URL the count is shared by every instance.
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
    max,
    timeWindow: 60_000,
    ...(redis ? { redis, nameSpace: 'pageshare-rl:' } : {}),
    // if Redis is down, serve rather than refuse everyone
    skipOnError: true,
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
});
