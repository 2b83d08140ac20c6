import net from 'node:net';
import { beforeAll, describe, expect, it } from 'vitest';
import { MAX_JSON_DEPTH } from '../../src/plugins/request-limits.js';
import { useTestApp } from '../helpers/app.js';
import { createUser, expectError } from '../helpers/factories.js';

/**
 * Limits every request shares (docs/resilience.md), over a real socket where it matters:
 * how deep a JSON body nests, how long a request may take to arrive, and an early answer
 * that a client still sending its body can read.
 */
const t = useTestApp();
let base = '';
beforeAll(async () => {
  base = await listen(t.app);
});

async function listen(app: typeof t.app): Promise<string> {
  await app.listen({ host: '127.0.0.1', port: 0 });
  const address = app.server.address();
  return `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
}

const nested = (depth: number) => `${'{"a":'.repeat(depth)}1${'}'.repeat(depth)}`;

/** A body that arrives slowly, a chunk at a time, as a browser uploading a large file. */
function slowBody(chunks: number, chunkBytes: number): ReadableStream<Uint8Array> {
  let sent = 0;
  return new ReadableStream({
    async pull(controller) {
      if (sent++ >= chunks) return controller.close();
      await new Promise((resolve) => setTimeout(resolve, 5));
      controller.enqueue(new Uint8Array(chunkBytes).fill(32));
    },
  });
}

describe('JSON nesting', () => {
  it('refuses a body nested 5,000 deep with a 422, not a 500 (POST /errors/log context)', async () => {
    const res = await t.request({
      method: 'POST',
      url: '/errors/log',
      headers: { 'content-type': 'application/json' },
      payload: `{"message":"deep","level":"error","context":${nested(5000)}}`,
    });
    expectError(res, 422, 'validation_error');
    expect(res.json().error.details).toEqual([
      { field: 'body', message: `is nested more than ${MAX_JSON_DEPTH} levels deep` },
    ]);
  });

  it('takes a context nested within the bound', async () => {
    const res = await t.request({
      method: 'POST',
      url: '/errors/log',
      headers: { 'content-type': 'application/json' },
      payload: `{"message":"fine","level":"error","context":${nested(MAX_JSON_DEPTH - 1)}}`,
    });
    expect(res.statusCode).toBe(201);
  });
});

describe('a request that arrives too slowly', () => {
  const slow = useTestApp({ REQUEST_TIMEOUT_S: '1' });

  it('is answered 408 in the error shape and its connection closed', async () => {
    const slowBase = await listen(slow.app);
    const socket = net.connect(Number(new URL(slowBase).port), '127.0.0.1');
    let received = '';
    socket.on('data', (chunk) => {
      received += chunk.toString();
    });
    socket.write(
      'POST /errors/log HTTP/1.1\r\nHost: api.test\r\nContent-Type: application/json\r\n' +
        'Content-Length: 100\r\n\r\n{"message":',
    );
    // the client sends nothing more; without a request timeout the socket stays open forever
    await new Promise<void>((resolve) => socket.once('close', () => resolve()));
    expect(received).toMatch(/^HTTP\/1\.1 408 /);
    const body = JSON.parse(received.slice(received.indexOf('\r\n\r\n') + 4));
    expect(body.error).toMatchObject({ code: 'bad_request' });
    expect(body.error.request_id).toEqual(expect.any(String));
  });
});

describe('an early 413 while the client is still sending', () => {
  it('reaches a fetch client streaming a JSON body over the limit', async () => {
    const res = await fetch(`${base}/errors/log`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: slowBody(40, 256 * 1024),
      duplex: 'half',
    } as RequestInit);
    expect(res.status).toBe(413);
    expect(((await res.json()) as { error: { code: string } }).error.code).toBe(
      'payload_too_large',
    );
  });

  it('reaches a fetch client streaming an upload over the limit', async () => {
    const user = await createUser(t);
    const res = await fetch(`${base}/media/upload`, {
      method: 'POST',
      headers: {
        authorization: `Bearer ${user.token}`,
        'content-type': 'multipart/form-data; boundary=x',
      },
      body: slowBody(24, 1024 * 1024),
      duplex: 'half',
    } as RequestInit);
    expect(res.status).toBe(413);
    expect(((await res.json()) as { error: { code: string } }).error.code).toBe(
      'payload_too_large',
    );
  });
});
