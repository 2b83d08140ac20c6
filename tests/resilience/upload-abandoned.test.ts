import net from 'node:net';
import { describe, expect, it } from 'vitest';
import { uploadStats } from '../../src/plugins/uploads.js';
import { useTestApp } from '../helpers/app.js';
import { createUser } from '../helpers/factories.js';

/**
 * An upload whose client goes away half-way gives its slot back (docs/resilience.md): with
 * UPLOAD_CONCURRENCY slots process-wide, a few abandoned uploads must not stop every other.
 */
describe('an abandoned upload', () => {
  const t = useTestApp();

  it('frees its upload slot when the client disconnects', async () => {
    await t.app.listen({ host: '127.0.0.1', port: 0 });
    const address = t.app.server.address();
    const port = typeof address === 'object' && address ? address.port : 0;
    const user = await createUser(t);
    const sockets = Array.from({ length: 6 }, () => {
      const socket = net.connect(port, '127.0.0.1');
      socket.on('error', () => {});
      socket.write(
        'POST /media/upload HTTP/1.1\r\nHost: api.test\r\n' +
          `Authorization: Bearer ${user.token}\r\n` +
          'Content-Type: multipart/form-data; boundary=x\r\nContent-Length: 1000000\r\n\r\n' +
          '--x\r\nContent-Disposition: form-data; name="files"; filename="a.jpg"\r\n' +
          'Content-Type: image/jpeg\r\n\r\n' +
          'x'.repeat(1000),
      );
      return socket;
    });
    await expect
      .poll(() => uploadStats().active + uploadStats().pending, { timeout: 10_000 })
      .toBe(6);
    for (const socket of sockets) socket.destroy();
    await expect.poll(() => uploadStats(), { timeout: 10_000 }).toEqual({ active: 0, pending: 0 });
  });
});
