import { Writable } from 'node:stream';
import type { FastifyReply } from 'fastify';
import { describe, expect, it } from 'vitest';
import { StreamConnection } from '../../../src/modules/streams/streams.connection.js';
import type { StreamEvent } from '../../../src/modules/streams/streams.events.js';
import type { Hub } from '../../../src/modules/streams/streams.hub.js';

/** A response whose client never reads: nothing written ever leaves the buffer. */
function stalledReply() {
  const raw = Object.assign(
    new Writable({
      highWaterMark: 1024,
      write() {
        // never calls back: the bytes stay in writableLength
      },
    }),
    { writeHead: () => raw },
  );
  const reply = { raw, hijack() {}, getHeaders: () => ({}) };
  return { raw, reply: reply as unknown as FastifyReply };
}

describe('a client that does not read', () => {
  it('is ended once STREAM_BUFFER_KB are waiting, and leaves the hub and its limit', () => {
    const { raw, reply } = stalledReply();
    const joined = new Set<unknown>();
    const hub = {
      add: (s: unknown) => joined.add(s),
      remove: (s: unknown) => joined.delete(s),
    } as unknown as Hub;
    let released = 0;
    const connection = new StreamConnection(reply, {
      hub,
      kind: 'public',
      viewerId: null,
      bufferBytes: 16 * 1024,
      maxDurationS: 0,
      release: () => {
        released += 1;
      },
    });
    connection.open(undefined);
    connection.live([]);
    expect(joined.size).toBe(1);
    const event = (s: number): StreamEvent => ({
      type: 'post',
      data: JSON.stringify({ content: 'x'.repeat(1000) }),
      position: { t: new Date(), s },
      replayable: true,
    });
    let sent = 0;
    while (!connection.closed && sent < 1000) connection.deliver(event(++sent));
    expect(connection.closed).toBe(true);
    expect(raw.destroyed).toBe(true);
    // about 16 KB of ~1 KB events, not the thousand offered
    expect(sent).toBeGreaterThan(10);
    expect(sent).toBeLessThan(30);
    expect(joined.size).toBe(0);
    expect(released).toBe(1);
  });
});
