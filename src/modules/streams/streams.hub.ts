import type { FastifyBaseLogger } from 'fastify';
import type { Post } from '../../core/posts.schemas.js';
import type { Db, Listener, ListenHandlers } from '../../db/index.js';
import { AppError } from '../../lib/errors.js';
import {
  type Announcement,
  CHANNEL,
  type EventType,
  type Position,
  parseAnnouncement,
  type StreamEvent,
} from './streams.events.js';
import {
  type Candidate,
  currentPosition,
  eventNotification,
  eventPost,
  eventRepost,
  type MatchMode,
  matchCandidates,
  postTickers,
} from './streams.repository.js';

export type StreamKind = 'public' | 'feed' | 'ticker' | 'watchlist' | 'notifications';

/** One open stream, as the hub sees it. */
export interface Subscriber {
  kind: StreamKind;
  /** The signed-in viewer, or null. */
  viewerId: string | null;
  /** The symbol of a ticker stream (upper case). */
  ticker?: string;
  deliver(event: StreamEvent): void;
  /** Ends the stream (shutdown, a lost listener connection); the client resumes. */
  end(): void;
  /** A heartbeat. */
  ping(): void;
}

/** Announcements prepared at once (see Hub.limited). */
const PREPARING = 2;

/** Writes a prepared event to its streams; edits and deletes take the hub's place then. */
type Delivery = (position: Position) => void;

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
 * stream; every announcement is turned into an event once (the Post built for no viewer,
 * one statement judging it for every connected viewer), then written to the streams that
 * match. Announcements are handled one at a time, in the order they arrive (commit order),
 * so each stream receives its events in that order.
 */
export class Hub {
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

  constructor(private readonly options: HubOptions) {}

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
    const prepared = this.limited(() => this.prepare(announcement)).catch((error: unknown) => {
      this.options.log.error({ err: error, announcement }, 'a stream event failed');
      return undefined;
    });
    this.queue = this.queue.then(async () => {
      const deliver = await prepared;
      // the place moves on in order: an edit or a delete delivered after this carries it
      if ('s' in announcement && announcement.s > this.position.s) {
        this.position = { t: new Date(announcement.t), s: announcement.s };
      }
      deliver?.(this.position);
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

  /** The queries of one announcement; answers what writes it to the streams, in order. */
  private async prepare(a: Announcement): Promise<Delivery | undefined> {
    const db = this.options.db;
    switch (a.k) {
      case 'p': {
        if (this.postTargets(null).length === 0) return undefined;
        const post = await eventPost(db, a.id);
        if (!post) return undefined;
        const position = { t: new Date(a.t), s: a.s };
        const targets = this.postTargets(post.tickers);
        return this.fanOut(post.id, post, targets, post.tickers, 'feed', {
          type: 'post',
          position,
          replayable: true,
          flags: false,
        });
      }
      case 'r': {
        if (this.byKind.feed.size === 0) return undefined;
        const found = await eventRepost(db, a.id);
        if (!found) return undefined;
        const position = { t: new Date(a.t), s: a.s };
        return this.fanOut(found.post.id, found.post, [...this.byKind.feed], [], 'repost', {
          type: 'post',
          position,
          replayable: true,
          flags: true,
          repostId: a.id,
        });
      }
      case 'u': {
        if (this.postTargets(null).length === 0) return undefined;
        const post = await eventPost(db, a.id);
        if (!post) return undefined;
        return this.fanOut(
          post.id,
          post,
          this.postTargets(post.tickers),
          post.tickers,
          'feed-any',
          {
            type: 'post.updated',
            position: undefined,
            replayable: false,
            flags: true,
          },
        );
      }
      case 'd': {
        if (this.postTargets(null).length === 0) return undefined;
        const tickers = await postTickers(db, a.id);
        return this.fanOut(a.id, { id: a.id }, this.postTargets(tickers), tickers, 'feed-any', {
          type: 'post.deleted',
          position: undefined,
          replayable: false,
          flags: false,
        });
      }
      case 'n': {
        const subs = this.byRecipient.get(a.user);
        if (!subs?.size) return undefined;
        const notification = await eventNotification(db, a.user, a.id);
        if (!notification) return undefined;
        const event: StreamEvent = {
          type: 'notification',
          data: JSON.stringify(notification),
          position: { t: new Date(a.t), s: a.s },
          replayable: true,
        };
        return () => {
          for (const sub of [...subs]) sub.deliver(event);
        };
      }
    }
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

  /**
   * Writes one event to the target streams that may show it. Anonymous public and ticker
   * streams take it as built; every signed-in viewer is judged in one statement (a row per
   * distinct viewer, mode and ticker), with their viewer fields where they can differ.
   */
  private async fanOut(
    postId: string,
    data: Post | { id: string },
    targets: readonly Subscriber[],
    tickers: readonly string[],
    feedMode: MatchMode,
    event: {
      type: EventType;
      /** undefined: the hub's place when it is delivered (edits and deletes) */
      position: Position | undefined;
      replayable: boolean;
      flags: boolean;
      repostId?: string;
    },
  ): Promise<Delivery | undefined> {
    const shared: StreamEvent = {
      type: event.type,
      data: JSON.stringify(data),
      position: event.position ?? this.position,
      replayable: event.replayable,
    };
    const anonymous: Subscriber[] = [];
    const candidates: Candidate[] = [];
    const index = new Map<string, number>();
    const waiting: Array<[Subscriber, number]> = [];
    for (const sub of targets) {
      if (sub.viewerId === null) {
        anonymous.push(sub);
        continue;
      }
      const mode: MatchMode =
        sub.kind === 'feed' ? feedMode : sub.kind === 'watchlist' ? 'watchlist' : 'list';
      if (mode === 'watchlist' && tickers.length === 0) continue;
      const ticker = sub.kind === 'ticker' ? sub.ticker! : null;
      const key = `${sub.viewerId} ${mode} ${ticker ?? ''}`;
      let i = index.get(key);
      if (i === undefined) {
        i = candidates.length;
        index.set(key, i);
        candidates.push({ viewerId: sub.viewerId, mode, ticker });
      }
      waiting.push([sub, i]);
    }
    const passed =
      candidates.length === 0
        ? new Map()
        : await matchCandidates(this.options.db, postId, candidates, {
            flags: event.flags,
            ...(event.repostId ? { repostId: event.repostId } : {}),
          });
    return (position) => {
      if (!event.position) shared.position = position;
      for (const sub of anonymous) sub.deliver(shared);
      const personal = new Map<number, StreamEvent>();
      for (const [sub, i] of waiting) {
        if (!passed.has(i)) continue;
        const viewer = passed.get(i);
        if (!viewer || !(viewer.reacted || viewer.reposted || viewer.bookmarked)) {
          sub.deliver(shared);
          continue;
        }
        let own = personal.get(i);
        if (!own) {
          own = { ...shared, data: JSON.stringify({ ...data, viewer }) };
          personal.set(i, own);
        }
        sub.deliver(own);
      }
    };
  }
}
