import { invalid } from '../../lib/errors.js';

/**
 * What travels on a stream (docs/streams.md): the announcements the database sends, the
 * events a stream writes, and the event id, a keyset cursor into the streams' commit order.
 */

/** A payload of the `pageshare_streams` channel (migrations 0040 and 0041). */
export type Announcement =
  | { k: 'p'; id: string; s: number; t: string }
  | { k: 'r'; id: string; post: string; s: number; t: string }
  | { k: 'n'; id: string; user: string; s: number; t: string }
  | { k: 'u'; id: string }
  | { k: 'd'; id: string }
  /** a viewer's follows, mutes, blocks, muted words or watchlist changed (0041) */
  | { k: 'v'; id: string };

export const CHANNEL = 'pageshare_streams';

export function parseAnnouncement(payload: string): Announcement | undefined {
  try {
    const value = JSON.parse(payload) as Announcement;
    return typeof value?.k === 'string' && typeof value.id === 'string' ? value : undefined;
  } catch {
    return undefined;
  }
}

/**
 * A place in the streams' order: `s` the commit-order number of the newest new post, repost
 * or notification (stream_seq), `t` its time (which bounds how far back a replay reads).
 */
export interface Position {
  t: Date;
  s: number;
}

export type EventType = 'post' | 'post.updated' | 'post.deleted' | 'notification';

/** One event as a stream writes it. */
export interface StreamEvent {
  type: EventType;
  /** The JSON of `data:`, built once per event (or per viewer where the viewer fields differ). */
  data: string;
  /** Where the event stands: for a new item, its own place; for an edit or a delete, the hub's. */
  position: Position;
  /** True for the items a replay can send again (new posts, reposts, notifications). */
  replayable: boolean;
}

export function encodeEventId(position: Position): string {
  return Buffer.from(JSON.stringify([position.t.toISOString(), position.s])).toString('base64url');
}

const ISO = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;

/** The event id a client sends back; anything that is not one we wrote is a 422. */
export function decodeEventId(raw: string, field: string): Position {
  const refuse = () => invalid(field, 'is not an event id of this stream');
  if (raw.length > 200) throw refuse();
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(raw, 'base64url').toString('utf8'));
  } catch {
    throw refuse();
  }
  if (
    !Array.isArray(parsed) ||
    parsed.length !== 2 ||
    typeof parsed[0] !== 'string' ||
    !ISO.test(parsed[0]) ||
    !Number.isSafeInteger(parsed[1]) ||
    (parsed[1] as number) < 0
  ) {
    throw refuse();
  }
  const t = new Date(parsed[0]);
  if (Number.isNaN(t.getTime())) throw refuse();
  // the id must be the one we wrote: the same bytes again (no padding, no extra fields)
  if (encodeEventId({ t, s: parsed[1] as number }) !== raw) throw refuse();
  return { t, s: parsed[1] as number };
}

const framed = new WeakMap<StreamEvent, string>();

/**
 * The bytes of one event: `id:`, `event:` and one `data:` line (JSON has no raw newline).
 * Built once per event, whatever the number of streams it is written to (an event's place
 * is fixed by the time it is first written).
 */
export function frame(event: StreamEvent): string {
  let text = framed.get(event);
  if (text === undefined) {
    text = `id: ${encodeEventId(event.position)}\nevent: ${event.type}\ndata: ${event.data}\n\n`;
    framed.set(event, text);
  }
  return text;
}

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
