import { request as httpRequest } from 'node:http';
import { describe, expect, it } from 'vitest';
import { useTestApp } from '../../helpers/app.js';
import { createUser, expectError } from '../../helpers/factories.js';
import { listFiles, streamingUpload } from '../../helpers/images.js';

const MB = 1024 * 1024;

/**
 * Limits hold while the body streams in: the server stops reading at the limit, so a
 * 100 MB body is never read (let alone buffered) past a few megabytes.
 */
describe('upload limits while streaming', () => {
  const t = useTestApp();

  it('cuts a 100 MB file off after its 5 MB limit', async () => {
    const user = await createUser(t);
    const body = streamingUpload({ field: 'files', size: 100 * MB });
    const res = await t.request({
      method: 'POST',
      url: '/media/upload',
      token: user.token,
      headers: { 'content-type': body.contentType },
      payload: body.stream,
    });
    const error = expectError(res, 413, 'payload_too_large');
    expect(error.details).toEqual([{ field: 'files[0]', message: 'is larger than 5 MB' }]);
    expect(body.produced()).toBeLessThan(10 * MB);
    expect(listFiles(t.config.storageLocalDir)).toEqual([]);
  });

  it('cuts a 100 MB text field off at the request limit', async () => {
    const user = await createUser(t);
    const body = streamingUpload({ field: 'notes', size: 100 * MB, asTextField: true });
    const res = await t.request({
      method: 'POST',
      url: '/media/upload',
      token: user.token,
      headers: { 'content-type': body.contentType },
      payload: body.stream,
    });
    expectError(res, 413, 'payload_too_large');
    expect(body.produced()).toBeLessThan(25 * MB);
  });

  it('refuses a declared 100 MB body before reading it', async () => {
    const user = await createUser(t);
    const body = streamingUpload({ field: 'file', size: 100 * MB });
    const res = await t.request({
      method: 'POST',
      url: '/users/me/profile-picture',
      token: user.token,
      headers: { 'content-type': body.contentType, 'content-length': String(100 * MB + 200) },
      payload: body.stream,
    });
    expectError(res, 413, 'payload_too_large');
    expect(body.produced()).toBeLessThan(1 * MB);
  });

  it('tells a caller without a token 401 before judging the size of the body', async () => {
    for (const url of ['/users/me/profile-picture', '/media/upload']) {
      const body = streamingUpload({ field: 'files', size: 100 * MB });
      const res = await t.request({
        method: 'POST',
        url,
        headers: { 'content-type': body.contentType, 'content-length': String(100 * MB + 200) },
        payload: body.stream,
      });
      expectError(res, 401, 'unauthorized');
      expect(body.produced()).toBeLessThan(1 * MB);
    }
  });

  it('answers a real client early, while it is still sending', async () => {
    const user = await createUser(t);
    const base = new URL(await t.app.listen({ port: 0, host: '127.0.0.1' }));
    const body = streamingUpload({ field: 'files', size: 100 * MB });
    const { status } = await new Promise<{ status: number }>((resolve, reject) => {
      const req = httpRequest(
        {
          host: base.hostname,
          port: base.port,
          method: 'POST',
          path: '/media/upload',
          headers: { authorization: `Bearer ${user.token}`, 'content-type': body.contentType },
        },
        (res) => {
          res.resume();
          resolve({ status: res.statusCode ?? 0 });
          body.stream.unpipe(req);
          req.destroy();
        },
      );
      req.on('error', (error) => {
        // the server may close while we are still sending: the answer is what counts
        if ((error as NodeJS.ErrnoException).code !== 'EPIPE') reject(error);
      });
      body.stream.pipe(req);
    });
    expect(status).toBe(413);
    // the rest is read and dropped (within bounds) so that the client can read the answer
    // (tests/resilience/http-limits.test.ts); the files are not parsed past the limit
    expect(body.produced()).toBeLessThan(20 * MB);
  });
});
