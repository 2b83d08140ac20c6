import type { FastifyReply } from 'fastify';
import type { StreamKind, Subscriber } from './streams.events.js';
import { frame, type Position, type StreamEvent } from './streams.events.js';
import type { Hub } from './streams.hub.js';

/** Live events a stream holds while it replays; more than this and it ends (it can resume). */
const MAX_PENDING = 1000;

export interface ConnectionOptions {
  hub: Hub;
  kind: StreamKind;
  viewerId: string | null;
  ticker?: string;
  /** Unsent bytes allowed before a client that does not read is dropped. */
  bufferBytes: number;
  /** Seconds before the server ends the stream (0: never). */
  maxDurationS: number;
  /** Gives the stream's place back to the limits. */
  release(): void;
}

/**
 * One open stream: the HTTP response, written by hand (the reply is hijacked) as
 * text/event-stream. It first holds live events while the replay is read, then writes the
 * replay, then the held events it did not replay (by their place in the commit order), then
 * goes live. A client that stops reading is ended once `bufferBytes` are waiting.
 */
export class StreamConnection implements Subscriber {
  readonly kind: StreamKind;
  readonly viewerId: string | null;
  readonly ticker?: string;
  private pending: StreamEvent[] | null = [];
  /** Replayable events at or before this place were sent (or were before the client's id). */
  private floor = 0;
  private ended = false;
  /** The maximum duration passed during the replay: end once it is written. */
  private endAfterReplay = false;
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly reply: FastifyReply,
    private readonly options: ConnectionOptions,
  ) {
    this.kind = options.kind;
    this.viewerId = options.viewerId;
    if (options.ticker) this.ticker = options.ticker;
  }

  /** Writes the head and joins the hub (holding live events until `live`). */
  open(from: Position | undefined): void {
    const raw = this.reply.raw;
    this.reply.hijack();
    const headers = { ...this.reply.getHeaders() } as Record<string, string | number | string[]>;
    delete headers['content-length'];
    raw.writeHead(200, {
      ...headers,
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-cache, no-transform',
      'x-accel-buffering': 'no',
      // the connection ends with the stream: an ended stream leaves no idle socket behind
      // to hold a closing server open
      connection: 'close',
    });
    raw.on('close', () => this.cleanup());
    // reconnect after 1 s when the stream ends (EventSource's own default is 3 s)
    this.write('retry: 1000\n: connected\n\n');
    this.floor = from?.s ?? 0;
    this.options.hub.add(this);
    if (this.options.maxDurationS > 0) {
      // counted from the request, as a host's own limit is; but a stream still replaying
      // ends only once its replay is written: ended before, its client would resume from the
      // same id, and a replay slower than the limit would never make progress
      this.timer = setTimeout(() => {
        if (this.pending) this.endAfterReplay = true;
        else this.end();
      }, this.options.maxDurationS * 1000);
      this.timer.unref();
    }
  }

  /** The events the client missed, oldest first, then the held ones it has not seen. */
  live(replayed: readonly StreamEvent[]): void {
    for (const event of replayed) this.send(event);
    const held = this.pending ?? [];
    this.pending = null;
    for (const event of held) this.send(event);
    if (this.endAfterReplay) this.end();
  }

  deliver(event: StreamEvent): void {
    if (this.ended) return;
    if (this.pending) {
      if (this.pending.length >= MAX_PENDING) this.end();
      else this.pending.push(event);
      return;
    }
    this.send(event);
  }

  ping(): void {
    if (!this.pending) this.write(': ping\n\n');
  }

  end(): void {
    if (this.ended) return;
    this.ended = true;
    this.reply.raw.end();
    this.cleanup();
  }

  get closed(): boolean {
    return this.ended;
  }

  private send(event: StreamEvent): void {
    if (event.replayable) {
      // sent in the replay, or before the client's id: not twice
      if (event.position.s <= this.floor) return;
      this.floor = event.position.s;
    }
    this.write(frame(event));
  }

  private write(text: string): void {
    if (this.ended) return;
    const raw = this.reply.raw;
    raw.write(text);
    if (raw.writableLength > this.options.bufferBytes) {
      // the client does not read: drop it rather than hold its events (it can resume)
      this.ended = true;
      raw.destroy();
      this.cleanup();
    }
  }

  private cleanup(): void {
    this.ended = true;
    clearTimeout(this.timer);
    this.options.hub.remove(this);
    this.options.release();
  }
}
