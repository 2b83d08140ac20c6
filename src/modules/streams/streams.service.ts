import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Db } from '../../db/index.js';
import { notFound, unavailable } from '../../lib/errors.js';
import { normalizeSymbol } from '../../lib/tickers.js';
import { viewerId } from '../../plugins/auth.js';
import { StreamConnection } from './streams.connection.js';
import {
  decodeEventId,
  type Position,
  type StreamEvent,
  type StreamKind,
} from './streams.events.js';
import type { Hub } from './streams.hub.js';
import { replayFeed, replayNotifications, replayPosts } from './streams.replay.js';

/** A reconnect replays at most this many events (docs/streams.md "Resume"). */
export const REPLAY_LIMIT = 100;

export interface StreamSettings {
  bufferBytes: number;
  maxDurationS: number;
}

/** The client's last event: the `Last-Event-ID` header, else `?last_event_id=`; 422 if not ours. */
function resumeFrom(request: FastifyRequest): Position | undefined {
  const header = request.headers['last-event-id'];
  const fromHeader = Array.isArray(header) ? header[0] : header;
  if (fromHeader !== undefined && fromHeader !== '') {
    return decodeEventId(fromHeader, 'Last-Event-ID');
  }
  const query = (request.query as { last_event_id?: string }).last_event_id;
  if (query !== undefined && query !== '') return decodeEventId(query, 'last_event_id');
  return undefined;
}

async function replay(
  db: Db,
  kind: StreamKind,
  viewer: string | null,
  ticker: string | undefined,
  from: Position,
): Promise<StreamEvent[]> {
  if (kind === 'notifications') {
    const rows = await replayNotifications(db, viewer!, from, REPLAY_LIMIT);
    return rows.map(({ item, position }) => ({
      type: 'notification',
      data: JSON.stringify(item),
      position,
      replayable: true,
    }));
  }
  const rows =
    kind === 'feed'
      ? await replayFeed(db, viewer!, from, REPLAY_LIMIT)
      : await replayPosts(
          db,
          viewer,
          kind === 'ticker' ? { kind, symbol: ticker! } : { kind: kind as 'public' | 'watchlist' },
          from,
          REPLAY_LIMIT,
        );
  return rows.map(({ item, position }) => ({
    type: 'post',
    data: JSON.stringify(item),
    position,
    replayable: true,
  }));
}

/**
 * Opens a stream: every check that can refuse it runs first (an error answers in the usual
 * shape, with Retry-After on 429 and 503), then the reply turns into the event stream, the
 * replay (when resuming) is written, and the stream goes live.
 */
export async function openStream(
  db: Db,
  hub: Hub,
  settings: StreamSettings,
  request: FastifyRequest,
  reply: FastifyReply,
  kind: StreamKind,
  rawSymbol?: string,
): Promise<void> {
  let ticker: string | undefined;
  if (kind === 'ticker') {
    // a malformed symbol names no ticker: 404, as on the ticker's page
    ticker = normalizeSymbol(rawSymbol ?? '');
    if (ticker === undefined) throw notFound('ticker');
  }
  const from = resumeFrom(request);
  const viewer = viewerId(request);
  let release: () => void;
  try {
    release = hub.admit(viewer);
  } catch (error) {
    const retryAfter = (error as { retryAfter?: number }).retryAfter;
    if (retryAfter !== undefined) reply.header('retry-after', String(retryAfter));
    throw error;
  }
  try {
    await hub.start();
    // the viewer's follows, mutes, blocks and muted words, read once for all their streams
    // (after the listener is up, so no change of them is missed in between)
    if (viewer !== null && kind !== 'notifications') {
      const admitted = release;
      const forget = await hub.viewers.acquire(viewer);
      release = () => {
        forget();
        admitted();
      };
    }
  } catch (error) {
    release();
    request.log.error({ err: error }, 'the stream listener could not start');
    reply.header('retry-after', '5');
    throw unavailable('live streams are unavailable right now; retry shortly');
  }
  const connection = new StreamConnection(reply, {
    hub,
    kind,
    viewerId: viewer,
    ...(ticker ? { ticker } : {}),
    bufferBytes: settings.bufferBytes,
    maxDurationS: settings.maxDurationS,
    release,
  });
  connection.open(from);
  let replayed: StreamEvent[] = [];
  if (from) {
    try {
      replayed = await replay(db, kind, viewer, ticker, from);
    } catch (error) {
      request.log.error({ err: error }, 'a stream replay failed');
      connection.end();
      return;
    }
  }
  connection.live(replayed);
}
