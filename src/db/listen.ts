import type { PGlite } from '@electric-sql/pglite';
import pg from 'pg';

/**
 * One LISTEN connection per instance (the live streams' source, docs/streams.md). Writes
 * announce themselves with pg_notify inside their own transaction, so a payload arrives only
 * after its write committed, in commit order, and never for a rolled-back write.
 */
export interface ListenHandlers {
  /** A payload of the channel, in the order the server sent them. */
  message(payload: string): void;
  /**
   * The connection was lost and is back (PostgreSQL only): what was announced meanwhile is
   * lost, so whoever relies on the announcements must catch up from the tables.
   */
  reconnected?(): void;
  /** A failure to report (the connection is retried). */
  error?(error: unknown): void;
}

export interface Listener {
  close(): Promise<void>;
}

const quote = (channel: string) => `"${channel.replaceAll('"', '""')}"`;

export async function listenPGlite(
  pglite: PGlite,
  channel: string,
  handlers: ListenHandlers,
): Promise<Listener> {
  const unlisten = await pglite.listen(channel, (payload) => handlers.message(payload));
  return {
    close: async () => {
      if (!pglite.closed) await unlisten();
    },
  };
}

/**
 * A dedicated client (not one of the pool: LISTEN needs a session, which a transaction
 * pooler does not keep; hence DATABASE_LISTEN_URL). When it drops, it is opened again after
 * 0.5, 1, 2… (at most 10) seconds, and `reconnected` tells the caller.
 */
export async function listenPostgres(
  url: string,
  channel: string,
  handlers: ListenHandlers,
): Promise<Listener> {
  let client: pg.Client | undefined;
  let closed = false;
  let retry: NodeJS.Timeout | undefined;
  let delay = 500;

  const connect = async (): Promise<void> => {
    const next = new pg.Client({ connectionString: url, application_name: 'pageshare-listen' });
    next.on('notification', (message) => {
      if (message.channel === channel && message.payload !== undefined) {
        handlers.message(message.payload);
      }
    });
    next.on('error', (error) => {
      handlers.error?.(error);
      drop(next);
    });
    next.on('end', () => drop(next));
    await next.connect();
    await next.query(`listen ${quote(channel)}`);
    client = next;
    delay = 500;
  };

  const drop = (which: pg.Client) => {
    if (client !== which || closed) return;
    client = undefined;
    which.end().catch(() => {});
    schedule();
  };

  const schedule = () => {
    retry = setTimeout(() => {
      connect().then(
        () => handlers.reconnected?.(),
        (error: unknown) => {
          handlers.error?.(error);
          delay = Math.min(delay * 2, 10_000);
          if (!closed) schedule();
        },
      );
    }, delay);
    retry.unref();
  };

  await connect();
  return {
    close: async () => {
      closed = true;
      clearTimeout(retry);
      const last = client;
      client = undefined;
      await last?.end().catch(() => {});
    },
  };
}
