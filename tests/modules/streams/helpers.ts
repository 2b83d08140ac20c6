import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll } from 'vitest';
import type { TestApp } from '../../helpers/app.js';
import { openSse, type SseStream } from '../../helpers/sse.js';

/** The test app listening on a free port of 127.0.0.1, and a way to open its streams. */
export function listening(t: TestApp) {
  let base = '';
  const open: SseStream[] = [];
  beforeAll(async () => {
    await t.app.listen({ host: '127.0.0.1', port: 0 });
    base = `http://127.0.0.1:${(t.app.server.address() as AddressInfo).port}`;
  });
  afterAll(() => {
    for (const stream of open) stream.close();
  });
  return {
    get base() {
      return base;
    },
    async stream(path: string, options: Parameters<typeof openSse>[1] = {}) {
      const stream = await openSse(`${base}${path}`, options);
      open.push(stream);
      return stream;
    },
  };
}

/** The next `post`-like event whose data is not `skip`ped; fails on anything else. */
export async function nextEvent(stream: SseStream, type?: string) {
  const event = await stream.next();
  if (type && event.event !== type) {
    throw new Error(`expected a ${type} event, got ${event.event}: ${event.data}`);
  }
  return event;
}
