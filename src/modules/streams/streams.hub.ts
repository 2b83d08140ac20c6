import type { FastifyBaseLogger } from 'fastify';
import type { Db, Listener, ListenHandlers } from '../../db/index.js';
import { AppError } from '../../lib/errors.js';
import { CHANNEL, type Position, parseAnnouncement, type Subscriber } from './streams.events.js';
import { type Audience, type Delivery, prepareEvent } from './streams.fanout.js';
import { currentPosition, loadViewer } from './streams.repository.js';
import { ViewerCache } from './streams.viewers.js';

/** Announcements prepared at once (see Hub.limited). */
const PREPARING = 2;

export interface HubOptions {
  db: Db;
  listen(channel: string, handlers: ListenHandlers): Promise<Listener>;
  log: FastifyBaseLogger;
  maxPerUser: number;
  max: number;
  heartbeatS: number;
}

/**
 * The hub of one instance (docs/streams.md): one LISTEN connection, opened with the first
 * stream; every announcement is turned into an event once (streams.fanout.ts: the Post built
 * for no viewer, each stream's viewer judged from the in-memory ViewerCache), then written to
 * the streams that match. Announcements are delivered one at a time, in the order they
 * arrive (commit order), so each stream receives its events in that order.
 */
export class Hub {
  /** What the connected viewers' streams leave out (streams.viewers.ts). */
  readonly viewers: ViewerCache;
  private readonly all = new Set<Subscriber>();
  private readonly byKind = {
    public: new Set<Subscriber>(),
    feed: new Set<Subscriber>(),
    watchlist: new Set<Subscriber>(),
  };
  private readonly byTicker = new Map<string, Set<Subscriber>>();
  private readonly byRecipient = new Map<string, Set<Subscriber>>();
  private readonly perUser = new Map<string, number>();
  private queue: Promise<void> = Promise.resolve();
  private started: Promise<void> | undefined;
  private listener: Listener | undefined;
  private heartbeat: NodeJS.Timeout | undefined;
  private stopped = false;
  /** The newest new post, repost or notification handled (its place in the commit order). */
  position: Position = { t: new Date(0), s: 0 };

  private readonly audience: Audience;

  constructor(private readonly options: HubOptions) {
    const db = options.db;
    this.viewers = new ViewerCache((id) => loadViewer(db, id));
    this.audience = {
      db,
      viewers: this.viewers,
      postTargets: (tickers) => this.postTargets(tickers),
      hasPostStreams: () =>
        this.byKind.public.size + this.byKind.watchlist.size + this.byKind.feed.size > 0 ||
        this.byTicker.size > 0,
      feeds: () => [...this.byKind.feed],
      recipients: (user) => this.byRecipient.get(user),
      position: () => this.position,
    };
  }

  get size(): number {
    return this.all.size;
  }

  /** Opens the listener once; every stream waits for it before it reads anything. */
  start(): Promise<void> {
    this.started ??= (async () => {
      this.listener = await this.options.listen(CHANNEL, {
        message: (payload) => this.receive(payload),
        // announcements were lost while the connection was down: every stream ends, and its
        // client resumes from its last event id, replayed from the tables
        reconnected: () => {
          this.options.log.warn('stream listener reconnected: ending streams so they resume');
          for (const sub of [...this.all]) sub.end();
        },
        error: (error) => this.options.log.error({ err: error }, 'stream listener failed'),
      });
      const now = await currentPosition(this.options.db);
      if (now.s > this.position.s) this.position = now;
      this.heartbeat = setInterval(() => {
        for (const sub of this.all) sub.ping();
      }, this.options.heartbeatS * 1000);
      this.heartbeat.unref();
    })();
    this.started.catch(() => {
      this.started = undefined;
    });
    return this.started;
  }

  /**
   * Checks the limits and takes the place of a new stream (429 for a user over
   * STREAM_MAX_PER_USER, 503 for an instance at STREAM_MAX): before the stream starts.
   */
  admit(viewerId: string | null): () => void {
    if (this.stopped || this.all.size >= this.options.max) {
      throw Object.assign(
        new AppError('unavailable', 'this instance holds all the streams it can; retry shortly'),
        { retryAfter: 5 },
      );
    }
    if (viewerId !== null) {
      const held = this.perUser.get(viewerId) ?? 0;
      if (held >= this.options.maxPerUser) {
        throw Object.assign(
          new AppError(
            'rate_limited',
            `at most ${this.options.maxPerUser} open streams per user; close one first`,
          ),
          { retryAfter: 30 },
        );
      }
      this.perUser.set(viewerId, held + 1);
    }
    let released = false;
    return () => {
      if (released || viewerId === null) return;
      released = true;
      const held = (this.perUser.get(viewerId) ?? 1) - 1;
      if (held > 0) this.perUser.set(viewerId, held);
      else this.perUser.delete(viewerId);
    };
  }

  add(sub: Subscriber): void {
    this.all.add(sub);
    this.setOf(sub).add(sub);
  }

  remove(sub: Subscriber): void {
    this.all.delete(sub);
    const set = this.setOf(sub);
    set.delete(sub);
    if (set.size === 0) {
      if (sub.kind === 'ticker') this.byTicker.delete(sub.ticker!);
      if (sub.kind === 'notifications') this.byRecipient.delete(sub.viewerId!);
    }
  }

  /** SIGTERM: every stream ends (clients reconnect elsewhere), and the listener closes. */
  async stop(): Promise<void> {
    this.stopped = true;
    clearInterval(this.heartbeat);
    for (const sub of [...this.all]) sub.end();
    await this.started?.catch(() => {});
    await this.listener?.close();
  }

  private setOf(sub: Subscriber): Set<Subscriber> {
    const keyed = (map: Map<string, Set<Subscriber>>, key: string) => {
      let set = map.get(key);
      if (!set) {
        set = new Set();
        map.set(key, set);
      }
      return set;
    };
    switch (sub.kind) {
      case 'ticker':
        return keyed(this.byTicker, sub.ticker!);
      case 'notifications':
        return keyed(this.byRecipient, sub.viewerId!);
      default:
        return this.byKind[sub.kind];
    }
  }

  /**
   * Each announcement is prepared at once (its queries run while earlier ones are still being
   * prepared: the pool works on several), and delivered strictly in arrival order.
   */
  private receive(payload: string): void {
    const announcement = parseAnnouncement(payload);
    if (!announcement) return;
    if (announcement.k === 'v') {
      // the viewer is read again now; events after this one wait for it
      const read = this.viewers.changed(announcement.id)?.catch((error: unknown) => {
        this.options.log.error({ err: error }, 'a stream viewer could not be read again');
        // their streams end and resume with a fresh read
        for (const sub of [...this.all]) if (sub.viewerId === announcement.id) sub.end();
      });
      if (read) this.queue = this.queue.then(() => read);
      return;
    }
    const prepared = this.limited(() => prepareEvent(this.audience, announcement)).catch(
      (error: unknown) => {
        this.options.log.error({ err: error, announcement }, 'a stream event failed');
        return undefined;
      },
    );
    this.queue = this.queue.then(async () => {
      const deliver: Delivery | undefined = await prepared;
      // the place moves on in order: an edit or a delete delivered after this carries it
      if ('s' in announcement && announcement.s > this.position.s) {
        this.position = { t: new Date(announcement.t), s: announcement.s };
      }
      try {
        await deliver?.(this.position);
      } catch (error) {
        this.options.log.error({ err: error, announcement }, 'a stream event failed');
      }
    });
  }

  private running = 0;
  private readonly waitingTurn: Array<() => void> = [];

  /**
   * At most PREPARING announcements query at once: the streams then hold at most that many of
   * the pool's connections, and writes keep theirs (an unbounded number starved the writes
   * in the benchmark).
   */
  private async limited<T>(work: () => Promise<T>): Promise<T> {
    if (this.running >= PREPARING) {
      await new Promise<void>((resolve) => this.waitingTurn.push(resolve));
    }
    this.running += 1;
    try {
      return await work();
    } finally {
      this.running -= 1;
      this.waitingTurn.shift()?.();
    }
  }

  /** Resolves when every announcement received so far is handled (tests, shutdown). */
  idle(): Promise<void> {
    return this.queue;
  }

  /** The streams a post may go to: public, its tickers', watchlists, feeds (null: any ticker). */
  private postTargets(tickers: readonly string[] | null): Subscriber[] {
    const targets = [...this.byKind.public, ...this.byKind.watchlist, ...this.byKind.feed];
    if (tickers === null) {
      for (const set of this.byTicker.values()) targets.push(...set);
    } else {
      for (const symbol of tickers) targets.push(...(this.byTicker.get(symbol) ?? []));
    }
    return targets;
  }
}
