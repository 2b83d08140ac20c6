import { createHash, randomUUID } from 'node:crypto';
import type { FastifyBaseLogger } from 'fastify';
import { Redis } from 'ioredis';
import type { Listener, ListenHandlers } from '../../db/index.js';

/**
 * The streams' announcements through Redis pub/sub (REDIS_URL; docs/streams.md "Several
 * instances"). The database stays the one source: the writes still announce themselves with
 * pg_notify in their transaction. One instance at a time, the relay, holds a lease in Redis
 * and the one LISTEN connection, and publishes each payload, numbered, on a Redis channel;
 * every instance (the relay too) subscribes to it. A fleet then needs one session connection
 * to PostgreSQL for its streams, not one per instance.
 *
 * A message is `{"e": term, "n": number, "p": payload}`: each relay's term has its own id and
 * numbers from 0. A subscriber that sees a new term or a gap in the numbers (a relay that
 * died, a lost listener connection, a publish that failed, its own lost subscription) may
 * have missed announcements: it reports `reconnected`, as a lost LISTEN connection does, and
 * the hub ends its streams, whose clients resume from the tables.
 */
export interface RelayOptions {
  redisUrl: string;
  /** The database's identity: instances of one database share the lease and the channel. */
  database: string;
  /** The database's own listener (one session connection). */
  listen(channel: string, handlers: ListenHandlers): Promise<Listener>;
  log: FastifyBaseLogger;
  /** How long a relay's lease lasts without renewal (renewed every third of it). */
  leaseMs?: number;
}

/** Renews the lease only if this instance still holds it. */
const RENEW = `if redis.call('get', KEYS[1]) == ARGV[1] then
  return redis.call('pexpire', KEYS[1], ARGV[2]) else return 0 end`;
const RELEASE = `if redis.call('get', KEYS[1]) == ARGV[1] then
  return redis.call('del', KEYS[1]) else return 0 end`;

export async function listenThroughRedis(
  options: RelayOptions,
  channel: string,
  handlers: ListenHandlers,
): Promise<Listener> {
  const leaseMs = options.leaseMs ?? 6_000;
  const scope = createHash('sha256').update(options.database).digest('hex').slice(0, 16);
  const topic = `pageshare:${scope}:${channel}`;
  const leaseKey = `pageshare:${scope}:relay`;
  const me = randomUUID();
  const redisOptions = { connectTimeout: 2_000, maxRetriesPerRequest: 1, lazyConnect: true };
  const pub = new Redis(options.redisUrl, redisOptions);
  const sub = new Redis(options.redisUrl, { ...redisOptions, maxRetriesPerRequest: null });
  for (const client of [pub, sub]) {
    client.on('error', (error) => options.log.warn({ err: error }, 'stream relay: redis error'));
  }

  // subscribing
  let term: string | undefined;
  let expected = 0;
  let subscribed = false;
  sub.on('message', (_channel: string, text: string) => {
    let message: { e: string; n: number; p?: string };
    try {
      message = JSON.parse(text) as typeof message;
    } catch {
      return;
    }
    // the first message sets the term: what came before it came before any stream here
    if (term === undefined) term = message.e;
    else if (message.e !== term || message.n !== expected) {
      term = message.e;
      handlers.reconnected?.();
    }
    expected = message.n + 1;
    if (typeof message.p === 'string') handlers.message(message.p);
  });
  sub.on('ready', () => {
    // ioredis subscribes again after a reconnect; what was published meanwhile is lost
    if (subscribed) handlers.reconnected?.();
  });

  // relaying
  let relay: { term: string; next: number; listener: Listener | undefined } | undefined;
  const publish = (payload?: string) => {
    if (!relay) return;
    const message = {
      e: relay.term,
      n: relay.next++,
      ...(payload === undefined ? {} : { p: payload }),
    };
    pub.publish(topic, JSON.stringify(message)).catch((error: unknown) => {
      // the subscribers see the gap in the numbers and catch up
      handlers.error?.(error);
    });
  };
  const newTerm = () => {
    if (!relay) return;
    relay.term = randomUUID();
    relay.next = 0;
    // a message of the new term tells every subscriber at once
    publish();
  };
  const lead = async () => {
    relay = { term: '', next: 0, listener: undefined };
    newTerm();
    try {
      relay.listener = await options.listen(channel, {
        message: (payload) => publish(payload),
        reconnected: newTerm,
        ...(handlers.error ? { error: handlers.error } : {}),
      });
    } catch (error) {
      handlers.error?.(error);
      await stepDown();
    }
  };
  const stepDown = async () => {
    const was = relay;
    relay = undefined;
    await was?.listener?.close();
    await pub.eval(RELEASE, 1, leaseKey, me).catch(() => {});
  };
  let closed = false;
  let ticking = false;
  const tick = async () => {
    if (closed || ticking) return;
    ticking = true;
    try {
      if (relay) {
        const renewed = await pub.eval(RENEW, 1, leaseKey, me, String(leaseMs));
        if (renewed !== 1) await stepDown();
      } else if ((await pub.set(leaseKey, me, 'PX', leaseMs, 'NX')) === 'OK') {
        await lead();
      }
    } catch (error) {
      // Redis unreachable: a relay that cannot renew its lease stops relaying, or two could
      if (relay) await stepDown();
      handlers.error?.(error);
    } finally {
      ticking = false;
    }
  };

  await pub.connect();
  await sub.connect();
  await sub.subscribe(topic);
  subscribed = true;
  await tick();
  const timer = setInterval(() => void tick(), Math.max(100, Math.floor(leaseMs / 3)));
  timer.unref();

  return {
    close: async () => {
      closed = true;
      clearInterval(timer);
      await stepDown();
      sub.disconnect();
      pub.disconnect();
    },
  };
}
