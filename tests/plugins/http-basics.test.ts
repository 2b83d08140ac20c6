import type { AddressInfo } from 'node:net';
import { connect } from 'node:net';
import { describe, expect, it } from 'vitest';
import { helmetHeaders } from '../../src/plugins/security.js';
import { useTestApp } from '../helpers/app.js';
import { createUser, expectError, insertPost } from '../helpers/factories.js';

describe('HTTP basics', () => {
  const t = useTestApp({ CORS_ORIGINS: 'https://app.pageshare.test' });

  it('answers an unknown route with 404 in the error shape', async () => {
    const res = await t.request({ method: 'GET', url: '/no/such/route' });
    expectError(res, 404, 'not_found');
  });

  it('answers what the router refuses in the error shape', async () => {
    const long = await t.request({ method: 'GET', url: `/users/by-username/${'a'.repeat(300)}` });
    expectError(long, 404, 'not_found');
    const broken = await t.request({ method: 'GET', url: '/users/by-username/%E0%A4%A' });
    expectError(broken, 400, 'bad_request');
  });

  it('echoes a well-formed client request id and replaces a bad one', async () => {
    const echoed = await t.request({
      method: 'GET',
      url: '/health',
      headers: { 'x-request-id': 'client-id_1.2' },
    });
    expect(echoed.headers['x-request-id']).toBe('client-id_1.2');
    const replaced = await t.request({
      method: 'GET',
      url: '/health',
      headers: { 'x-request-id': 'bad id <script>' },
    });
    expect(replaced.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
    const tooLong = await t.request({
      method: 'GET',
      url: '/health',
      headers: { 'x-request-id': 'a'.repeat(65) },
    });
    expect(tooLong.headers['x-request-id']).not.toBe('a'.repeat(65));
  });

  it('answers malformed JSON with 400 bad_request', async () => {
    const res = await t.request({
      method: 'POST',
      url: '/auth/verify',
      headers: { 'content-type': 'application/json' },
      payload: '{"not": json',
    });
    expectError(res, 400, 'bad_request');
  });

  it('answers an oversized body with 413 payload_too_large', async () => {
    const res = await t.request({
      method: 'POST',
      url: '/auth/verify',
      headers: { 'content-type': 'application/json' },
      payload: JSON.stringify({ junk: 'x'.repeat(200 * 1024) }),
    });
    expectError(res, 413, 'payload_too_large');
  });

  it('takes a JSON body with the types it was sent: a wrong type is 422, never converted', async () => {
    const user = await createUser(t);
    const auth = { authorization: `Bearer ${user.token}` };
    const cases = [
      { url: '/posts', method: 'POST', payload: { content: 123 }, field: 'content' },
      { url: '/posts', method: 'POST', payload: { content: ['$AAPL'] }, field: 'content' },
      {
        url: '/posts',
        method: 'POST',
        payload: { content: 'vote', poll: { options: ['up', 'down'], duration_days: '3' } },
        field: 'poll.duration_days',
      },
      { url: '/users/me', method: 'PATCH', payload: { interests: 'AAPL' }, field: 'interests' },
      { url: '/users/me', method: 'PATCH', payload: { bio: false }, field: 'bio' },
    ] as const;
    for (const { field, ...request } of cases) {
      const res = await t.request({ ...request, headers: auth });
      const error = expectError(res, 422, 'validation_error');
      expect(error.details).toContainEqual(expect.objectContaining({ field }));
    }
    const written = await t.db
      .selectFrom('posts')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('author_id', '=', user.id)
      .executeTakeFirstOrThrow();
    expect(written.n).toBe(0);
  });

  it('still reads numbers out of a query string', async () => {
    const user = await createUser(t);
    for (let i = 0; i < 3; i++) await insertPost(t, user.id, { content: `post ${i}` });
    const res = await t.request({ method: 'GET', url: `/posts?author_id=${user.id}&limit=2` });
    expect(res.statusCode).toBe(200);
    expect(res.json().items).toHaveLength(2);
    expectError(
      await t.request({ method: 'GET', url: '/posts?limit=two' }),
      422,
      'validation_error',
    );
    // text that JavaScript reads as an infinite number passed ajv's integer check
    for (const url of [
      '/posts?limit=1e309',
      '/posts?limit=Infinity',
      '/posts?limit=-1e309',
      '/posts?offset=1e400',
      '/feed?limit=1e309',
      `/users/${user.id}/followers?limit=Infinity`,
    ]) {
      const error = expectError(await t.request({ method: 'GET', url }), 422, 'validation_error');
      expect(error.details?.[0]).toMatchObject({ message: 'must be a finite number' });
    }
  });

  it('answers what the HTTP parser refuses in the error shape too', async () => {
    await t.app.listen({ host: '127.0.0.1', port: 0 });
    const { port } = t.app.server.address() as AddressInfo;
    const raw = (request: string) =>
      new Promise<string>((resolve, reject) => {
        const socket = connect(port, '127.0.0.1', () => socket.end(request));
        let answer = '';
        socket.on('data', (chunk) => {
          answer += chunk.toString();
        });
        socket.on('close', () => resolve(answer));
        socket.on('error', reject);
      });
    const cases = [
      {
        request: `GET /health HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ${'a'.repeat(20_000)}\r\n\r\n`,
        status: 431,
      },
      { request: 'NOT AN HTTP REQUEST\r\n\r\n', status: 400 },
    ];
    for (const { request, status } of cases) {
      const answer = await raw(request);
      const [head = '', body = ''] = answer.split('\r\n\r\n');
      expect(head).toMatch(new RegExp(`^HTTP/1.1 ${status} `));
      const requestId = /x-request-id: (\S+)/i.exec(head)?.[1];
      expect(JSON.parse(body)).toEqual({
        error: { code: 'bad_request', message: expect.any(String), request_id: requestId },
      });
    }
  });

  it('sets security headers', async () => {
    const res = await t.request({ method: 'GET', url: '/health' });
    expect(res.headers['x-content-type-options']).toBe('nosniff');
    expect(res.headers['x-frame-options']).toBe('SAMEORIGIN');
    expect(res.headers['content-security-policy']).toContain("default-src 'none'");
    expect(res.headers['content-security-policy']).toContain("frame-ancestors 'none'");
    expect(res.headers['cross-origin-resource-policy']).toBe('cross-origin');
    // not in production: a local http:// origin must not be pinned to https
    expect(res.headers['strict-transport-security']).toBeUndefined();
    const missing = await t.request({ method: 'GET', url: '/no-such-route' });
    expect(missing.headers['x-content-type-options']).toBe('nosniff');
  });

  it("works out helmet's headers once, HSTS included when asked", () => {
    const headers = helmetHeaders({ strictTransportSecurity: true });
    expect(headers['strict-transport-security']).toMatch(/^max-age=\d+/);
    expect(headers['x-content-type-options']).toBe('nosniff');
    expect(helmetHeaders({ strictTransportSecurity: false })).not.toHaveProperty(
      'strict-transport-security',
    );
  });

  it('allows the configured CORS origin only', async () => {
    const allowed = await t.request({
      method: 'OPTIONS',
      url: '/health',
      headers: { origin: 'https://app.pageshare.test', 'access-control-request-method': 'GET' },
    });
    expect(allowed.headers['access-control-allow-origin']).toBe('https://app.pageshare.test');
    const other = await t.request({
      method: 'GET',
      url: '/health',
      headers: { origin: 'https://evil.test' },
    });
    expect(other.headers['access-control-allow-origin']).toBeUndefined();
    const plain = await t.request({ method: 'OPTIONS', url: '/posts' });
    expect(plain.statusCode).toBe(204);
    expect(plain.headers['access-control-allow-origin']).toBeUndefined();
  });

  it('reports a healthy database', async () => {
    const res = await t.request({ method: 'GET', url: '/health' });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({ status: 'ok', database: 'ok', version: expect.any(String) });
  });

  it('serves the OpenAPI document and the interactive docs', async () => {
    const doc = await t.request({ method: 'GET', url: '/openapi.json' });
    expect(doc.statusCode).toBe(200);
    const body = doc.json() as { openapi: string; paths: Record<string, unknown> };
    expect(body.openapi).toMatch(/^3\./);
    expect(Object.keys(body.paths)).toContain('/health');
    const ui = await t.request({ method: 'GET', url: '/docs/' });
    expect(ui.statusCode).toBe(200);
    expect(ui.headers['content-type']).toContain('text/html');
  });
});
