/**
 * A Server-Sent Events client for the stream tests: reads a live response as it arrives and
 * hands out its events one at a time. Nothing here waits a fixed time: `next` waits for the
 * next event (failing after `timeoutMs`, which only bounds a broken test).
 */
export interface SseEvent {
  id: string | undefined;
  event: string;
  data: string;
  json<T = Record<string, unknown>>(): T;
}

export interface SseStream {
  status: number;
  headers: Headers;
  /** The next event (comments and `retry:` are skipped; `pings` counts the heartbeats). */
  next(timeoutMs?: number): Promise<SseEvent>;
  /** Resolves when the server ends the stream. */
  ended: Promise<void>;
  pings: number;
  /** The id of the last event received. */
  lastEventId: string | undefined;
  close(): void;
}

export async function openSse(
  url: string,
  options: { token?: string; lastEventId?: string; headers?: Record<string, string> } = {},
): Promise<SseStream> {
  const controller = new AbortController();
  const response = await fetch(url, {
    signal: controller.signal,
    headers: {
      accept: 'text/event-stream',
      ...(options.token ? { authorization: `Bearer ${options.token}` } : {}),
      ...(options.lastEventId ? { 'last-event-id': options.lastEventId } : {}),
      ...options.headers,
    },
  });
  const queue: SseEvent[] = [];
  const waiters: Array<(event: SseEvent | null) => void> = [];
  let done = false;
  let endResolve!: () => void;
  const ended = new Promise<void>((resolve) => {
    endResolve = resolve;
  });
  const stream: SseStream = {
    status: response.status,
    headers: response.headers,
    ended,
    pings: 0,
    lastEventId: undefined,
    next(timeoutMs = 5_000) {
      const ready = queue.shift();
      if (ready) return Promise.resolve(ready);
      if (done) return Promise.reject(new Error('the stream ended'));
      return new Promise<SseEvent>((resolve, reject) => {
        const timer = setTimeout(() => {
          const i = waiters.indexOf(waiter);
          if (i >= 0) waiters.splice(i, 1);
          reject(new Error(`no event within ${timeoutMs} ms`));
        }, timeoutMs);
        const waiter = (event: SseEvent | null) => {
          clearTimeout(timer);
          if (event) resolve(event);
          else reject(new Error('the stream ended'));
        };
        waiters.push(waiter);
      });
    },
    close: () => controller.abort(),
  };
  const push = (event: SseEvent) => {
    stream.lastEventId = event.id ?? stream.lastEventId;
    const waiter = waiters.shift();
    if (waiter) waiter(event);
    else queue.push(event);
  };
  const finish = () => {
    done = true;
    for (const waiter of waiters.splice(0)) waiter(null);
    endResolve();
  };
  if (!response.ok || !response.body) {
    finish();
    return Object.assign(stream, { body: await response.text().catch(() => '') });
  }
  void (async () => {
    const decoder = new TextDecoder();
    let buffer = '';
    try {
      for await (const chunk of response.body as unknown as AsyncIterable<Uint8Array>) {
        buffer += decoder.decode(chunk, { stream: true });
        let end = buffer.indexOf('\n\n');
        while (end >= 0) {
          const block = buffer.slice(0, end);
          buffer = buffer.slice(end + 2);
          end = buffer.indexOf('\n\n');
          let id: string | undefined;
          let event = 'message';
          const data: string[] = [];
          let comment = false;
          for (const line of block.split('\n')) {
            if (line.startsWith(':')) {
              comment = true;
              if (line === ': ping') stream.pings += 1;
            } else if (line.startsWith('id: ')) id = line.slice(4);
            else if (line.startsWith('event: ')) event = line.slice(7);
            else if (line.startsWith('data: ')) data.push(line.slice(6));
          }
          if (data.length === 0 || (comment && data.length === 0)) continue;
          const text = data.join('\n');
          push({ id, event, data: text, json: () => JSON.parse(text) });
        }
      }
    } catch {
      // aborted by close(), or the connection dropped: either way the stream is over
    }
    finish();
  })();
  return stream;
}
