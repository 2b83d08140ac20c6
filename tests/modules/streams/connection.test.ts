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

/** A response whose client reads everything: what was written, as text. */
function readingReply() {
  const chunks: string[] = [];
  const raw = Object.assign(
    new Writable({
      write(chunk, _encoding, done) {
        chunks.push(String(chunk));
        done();
      },
    }),
    { writeHead: () => raw },
  );
  const reply = { raw, hijack() {}, getHeaders: () => ({}) };
  return { raw, chunks, reply: reply as unknown as FastifyReply };
}

describe('STREAM_MAX_DURATION_S', () => {
  it('ends a stream whose replay outlasts it only after the replay is written', async () => {
    const { raw, chunks, reply } = readingReply();
    const hub = { add() {}, remove() {} } as unknown as Hub;
    const connection = new StreamConnection(reply, {
      hub,
      kind: 'public',
      viewerId: null,
      bufferBytes: 1024 * 1024,
      maxDurationS: 0.05,
      release() {},
    });
    connection.open({ t: new Date(), s: 1 });
    // the replay is slower than the maximum duration
    await new Promise((resolve) => setTimeout(resolve, 120));
    expect(connection.closed).toBe(false);
    connection.live([
      { type: 'post', data: '{"id":"a"}', position: { t: new Date(), s: 2 }, replayable: true },
    ]);
    expect(connection.closed).toBe(true);
    expect(raw.writableEnded).toBe(true);
    expect(chunks.join('')).toContain('data: {"id":"a"}');
  });

  it('ends a live stream when the time is up', async () => {
    const { raw, reply } = readingReply();
    const hub = { add() {}, remove() {} } as unknown as Hub;
    const connection = new StreamConnection(reply, {
      hub,
      kind: 'public',
      viewerId: null,
      bufferBytes: 1024 * 1024,
      maxDurationS: 0.05,
      release() {},
    });
    connection.open(undefined);
    connection.live([]);
    expect(connection.closed).toBe(false);
    await new Promise((resolve) => setTimeout(resolve, 120));
    expect(connection.closed).toBe(true);
    expect(raw.writableEnded).toBe(true);
  });
});
