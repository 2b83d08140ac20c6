import type { Post } from '../../core/posts.schemas.js';
import type { Db } from '../../db/index.js';
import type {
  Announcement,
  EventType,
  Position,
  StreamEvent,
  Subscriber,
} from './streams.events.js';
import {
  type Candidate,
  eventNotification,
  eventPost,
  eventRepost,
  hiddenByWords,
  type MatchMode,
  matchCandidates,
  postTickers,
} from './streams.repository.js';
import { hasMutedText, judge, type LiveMode, type ViewerCache } from './streams.viewers.js';

/**
 * How one announcement becomes events on the streams (docs/streams.md "How events travel"). Preparing
 * (the queries) runs side by side with other announcements; the answer, a Delivery, runs in
 * the order announcements arrive, so each stream receives its events in commit order.
 */
export type Delivery = (position: Position) => void | Promise<void>;

/** The hub's streams, as preparing an event needs them. */
export interface Audience {
  db: Db;
  viewers: ViewerCache;
  /** The streams a post may go to: public, its tickers', watchlists, feeds (null: any ticker). */
  postTargets(tickers: readonly string[] | null): Subscriber[];
  /** Whether any stream could receive a post (asked before any query for it). */
  hasPostStreams(): boolean;
  feeds(): Subscriber[];
  recipients(userId: string): ReadonlySet<Subscriber> | undefined;
  /** The hub's place, for edits and deletes (they take it when delivered). */
  position(): Position;
}

export async function prepareEvent(
  audience: Audience,
  a: Announcement,
): Promise<Delivery | undefined> {
  const db = audience.db;
  switch (a.k) {
    case 'p':
      return prepareNewPost(audience, a.id, { t: new Date(a.t), s: a.s });
    case 'r': {
      if (audience.feeds().length === 0) return undefined;
      const found = await eventRepost(db, a.id);
      if (!found) return undefined;
      const position = { t: new Date(a.t), s: a.s };
      return judgedBySql(audience, found.post.id, found.post, audience.feeds(), [], 'repost', {
        type: 'post',
        position,
        replayable: true,
        flags: true,
        repostId: a.id,
      });
    }
    case 'u': {
      if (!audience.hasPostStreams()) return undefined;
      const post = await eventPost(db, a.id);
      if (!post) return undefined;
      const targets = audience.postTargets(post.tickers);
      return judgedBySql(audience, post.id, post, targets, post.tickers, 'feed-any', {
        type: 'post.updated',
        position: undefined,
        replayable: false,
        flags: true,
      });
    }
    case 'd': {
      if (!audience.hasPostStreams()) return undefined;
      const tickers = await postTickers(db, a.id);
      const targets = audience.postTargets(tickers);
      return judgedBySql(audience, a.id, { id: a.id }, targets, tickers, 'feed-any', {
        type: 'post.deleted',
        position: undefined,
        replayable: false,
        flags: false,
      });
    }
    case 'n': {
      if (!audience.recipients(a.user)?.size) return undefined;
      const notification = await eventNotification(db, a.user, a.id);
      if (!notification) return undefined;
      const event: StreamEvent = {
        type: 'notification',
        data: JSON.stringify(notification),
        position: { t: new Date(a.t), s: a.s },
        replayable: true,
      };
      return () => {
        for (const sub of [...(audience.recipients(a.user) ?? [])]) sub.deliver(event);
      };
    }
    case 'v':
      // handled by the hub: the viewer's state is read again, at this place in the order
      return undefined;
  }
}

const modeOf = (sub: Subscriber): LiveMode =>
  sub.kind === 'feed' ? 'feed' : sub.kind === 'watchlist' ? 'watchlist' : 'list';

/**
 * A new post: its JSON is built once, for no viewer (a brand-new post has no reactions,
 * reposts, bookmarks or votes, so every viewer's flags are false: the JSON is the same for
 * all).
 * Each stream's viewer is judged in memory when it is delivered (streams.viewers.ts); only
 * viewers with muted phrases ask the database, in one statement for all of them, prepared
 * here and asked again at delivery only for a viewer whose state changed in between.
 */
async function prepareNewPost(
  audience: Audience,
  postId: string,
  position: Position,
): Promise<Delivery | undefined> {
  if (!audience.hasPostStreams()) return undefined;
  const post = await eventPost(audience.db, postId);
  if (!post) return undefined;
  const shared: StreamEvent = {
    type: 'post',
    data: JSON.stringify(post),
    position,
    replayable: true,
  };
  const subject = { authorId: post.author.id, tickers: post.tickers };

  const wordy = (subs: readonly Subscriber[], known: ReadonlyMap<string, number>) => {
    const now = Date.now();
    const ids = new Set<string>();
    for (const sub of subs) {
      const id = sub.viewerId;
      if (id === null || ids.has(id) || known.get(id) === audience.viewers.version(id)) continue;
      const state = audience.viewers.get(id);
      if (state && hasMutedText(state, now)) ids.add(id);
    }
    return [...ids];
  };
  const checked = new Map<string, number>();
  const early = wordy(audience.postTargets(post.tickers), checked);
  for (const id of early) checked.set(id, audience.viewers.version(id));
  const hidden = await hiddenByWords(audience.db, post.id, early);

  return async () => {
    const targets = audience.postTargets(post.tickers);
    const late = wordy(targets, checked);
    if (late.length > 0) {
      const again = await hiddenByWords(audience.db, post.id, late);
      for (const id of late) {
        if (again.has(id)) hidden.add(id);
        else hidden.delete(id);
      }
    }
    const now = Date.now();
    for (const sub of targets) {
      if (sub.viewerId === null) {
        sub.deliver(shared);
        continue;
      }
      const state = audience.viewers.get(sub.viewerId);
      // a stream is live only once its viewer is loaded; a missing state hides rather than leaks
      if (!state) continue;
      const verdict = judge(state, sub.viewerId, modeOf(sub), subject, now, sub.ticker);
      if (verdict === 'no' || (verdict === 'words' && hidden.has(sub.viewerId))) continue;
      sub.deliver(shared);
    }
  };
}

/**
 * Edits, deletes and reposts: every signed-in viewer is judged in one statement (a row per
 * distinct viewer, mode and ticker), with their viewer fields where they can differ (an
 * edited or reposted post may have reactions). Anonymous public and ticker streams take the
 * event as built.
 */
async function judgedBySql(
  audience: Audience,
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
    position: event.position ?? audience.position(),
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
      : await matchCandidates(audience.db, postId, candidates, {
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
