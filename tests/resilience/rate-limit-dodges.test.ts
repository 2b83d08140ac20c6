import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { mintToken } from '../../src/lib/tokens.js';
import { useTestApp } from '../helpers/app.js';
import { expectError } from '../helpers/factories.js';

/**
 * Two ways a probe got past the rate limit (docs/resilience.md): requests with invalid tokens
 * were refused before they were counted, and behind a trusted proxy the address was the
 * left-most X-Forwarded-For entry, which the client writes.
 */
describe('requests with a refused token', () => {
  const t = useTestApp({ RATE_LIMIT_MAX: '3' });

  it('count against their address', async () => {
    const forged = (i: number) =>
      i % 2 === 0
        ? `garbage.${i}.token`
        : mintToken({
            userId: randomUUID(),
            secret: 'not-the-project-secret-but-long-enough-0123456789',
          });
    const statuses: number[] = [];
    for (let i = 0; i < 4; i++) {
      const res = await t.request({
        method: 'GET',
        url: '/posts',
        remoteAddress: '203.0.113.7',
        token: await forged(i),
      });
      statuses.push(res.statusCode);
    }
    expect(statuses).toEqual([401, 401, 401, 429]);
    // another address is not affected
    const other = await t.request({ method: 'GET', url: '/posts', remoteAddress: '203.0.113.8' });
    expect(other.statusCode).toBe(200);
  });
});

describe('behind a trusted proxy', () => {
  const t = useTestApp({ RATE_LIMIT_MAX: '3', TRUST_PROXY: 'true' });

  it('a client rotating the left-most X-Forwarded-For entry is still one client', async () => {
    const statuses: number[] = [];
    let last = await t.request({ method: 'GET', url: '/posts' });
    for (let i = 0; i < 4; i++) {
      last = await t.request({
        method: 'GET',
        url: '/posts',
        // the proxy (10.0.0.1) appends the address it saw: 198.51.100.20
        remoteAddress: '10.0.0.1',
        headers: { 'x-forwarded-for': `192.0.2.${i + 1}, 198.51.100.20` },
      });
      statuses.push(last.statusCode);
    }
    expect(statuses).toEqual([200, 200, 200, 429]);
    expectError(last, 429, 'rate_limited');
    // the address the proxy saw counts, not the socket's: another client still gets through
    const other = await t.request({
      method: 'GET',
      url: '/posts',
      remoteAddress: '10.0.0.1',
      headers: { 'x-forwarded-for': '198.51.100.21' },
    });
    expect(other.statusCode).toBe(200);
  });
});
