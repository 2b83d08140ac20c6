import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import { describe, expect, it } from 'vitest';
import { useTestApp } from '../helpers/app.js';
import { expectError } from '../helpers/factories.js';

/**
 * The rate limit shared through Redis (REDIS_URL), as several instances run it: the count is
 * one for all of them. Needs the Redis at 127.0.0.1:6379 (REDIS_TEST_URL overrides it). A
 * machine without Redis leaves these tests out with a warning; under CI they must run, and
 * `.ci/run` starts Redis when it is down.
 */
const REDIS_URL = process.env.REDIS_TEST_URL ?? 'redis://127.0.0.1:6379';

async function reachable(url: string): Promise<boolean> {
  const probe = new Redis(url, {
    connectTimeout: 1_000,
    maxRetriesPerRequest: 0,
    retryStrategy: () => null,
    lazyConnect: true,
  });
  probe.on('error', () => {});
  try {
    await probe.connect();
    return (await probe.ping()) === 'PONG';
  } catch {
    return false;
  } finally {
    probe.disconnect();
  }
}

const available = await reachable(REDIS_URL);
const required = Boolean(process.env.CI);
if (!available && !required) {
  console.warn(`No Redis at ${REDIS_URL}: the shared rate limit tests are left out of this run.`);
}

describe.runIf(available || required)('the rate limit shared through Redis', () => {
  const first = useTestApp({ RATE_LIMIT_MAX: '3', REDIS_URL });
  const second = useTestApp({ RATE_LIMIT_MAX: '3', REDIS_URL });

  it('counts one user across two instances', async () => {
    if (!available) throw new Error(`no Redis at ${REDIS_URL}: CI must run these tests`);
    const userId = randomUUID();
    const token = await first.token(userId);
    const statuses: number[] = [];
    let last = await first.request({ method: 'POST', url: '/auth/verify', token });
    statuses.push(last.statusCode);
    for (const app of [second, first, second]) {
      last = await app.request({ method: 'POST', url: '/auth/verify', token });
      statuses.push(last.statusCode);
    }
    expect(statuses).toEqual([200, 200, 200, 429]);
    expectError(last, 429, 'rate_limited');
    expect(Number(last.headers['retry-after'])).toBeGreaterThan(0);

    // another user has a count of their own
    const other = await second.token(randomUUID());
    const fresh = await first.request({ method: 'POST', url: '/auth/verify', token: other });
    expect(fresh.statusCode).toBe(200);
  });
});

describe('the rate limit with Redis unreachable', () => {
  // nothing listens on port 1: the limit is skipped rather than refusing every request
  const t = useTestApp({ RATE_LIMIT_MAX: '1', REDIS_URL: 'redis://127.0.0.1:1' });

  it('serves requests instead of failing them', async () => {
    const token = await t.token(randomUUID());
    for (let i = 0; i < 3; i++) {
      const res = await t.request({ method: 'POST', url: '/auth/verify', token });
      expect(res.statusCode).toBe(200);
    }
  });
});
