import autocannon from 'autocannon';
import { Latencies, type LoadResult } from './stats.js';

export interface HttpLoad {
  url: string;
  headers: Record<string, string>;
  connections: number;
  seconds: number;
  /** default GET */
  method?: 'GET' | 'POST';
  /** a JSON body (sent with content-type application/json) */
  body?: string;
  /**
   * Each request's own path, body and headers (a write that must differ every time: a like by
   * another user); called once a request.
   */
  next?: () => { path: string; body?: string; headers?: Record<string, string> };
}

/**
 * One autocannon run. Latencies come from its per-response event (every response, in
 * fractional milliseconds) rather than its summary, which has no p95 and counts only 2xx.
 */
export function runHttpLoad(load: HttpLoad): Promise<LoadResult> {
  const latencies = new Latencies();
  let non2xx = 0;
  return new Promise((resolve, reject) => {
    const instance = autocannon(
      {
        url: load.url,
        connections: load.connections,
        duration: load.seconds,
        headers: load.body ? { ...load.headers, 'content-type': 'application/json' } : load.headers,
        timeout: 10,
        ...(load.method ? { method: load.method } : {}),
        ...(load.body ? { body: load.body } : {}),
        ...(load.next ? { requests: [{ setupRequest: nextRequest(load) }] } : {}),
      },
      (error, result) => {
        if (error) return reject(error);
        resolve(latencies.summarize(result.duration, non2xx, result.errors + result.timeouts));
      },
    );
    instance.on('response', (_client, statusCode, _bytes, responseTime) => {
      latencies.record(responseTime);
      if (statusCode < 200 || statusCode >= 300) non2xx++;
    });
  });
}

/** autocannon's setupRequest for `load.next`: the path, body and headers of each request. */
function nextRequest(load: HttpLoad) {
  return (request: Record<string, unknown>) => {
    const next = load.next!();
    const headers = { ...load.headers, ...next.headers };
    if (next.body !== undefined) headers['content-type'] = 'application/json';
    return {
      ...request,
      method: load.method ?? 'GET',
      path: next.path,
      headers,
      ...(next.body !== undefined ? { body: next.body } : {}),
    };
  };
}
