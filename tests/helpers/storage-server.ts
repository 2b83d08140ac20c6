import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A stand-in for Supabase Storage on 127.0.0.1: it records every request (method, path,
 * headers, body) and answers as `respond` says (200 by default), so tests can check exactly
 * what the supabase driver sends.
 */
export interface RecordedRequest {
  method: string;
  path: string;
  headers: IncomingHttpHeaders;
  body: Buffer;
}

export interface FakeStorageServer {
  url: string;
  requests: RecordedRequest[];
  /** Decides the answer to each request; reset to 200 by reset(). */
  respond: (request: RecordedRequest) => { status: number; body?: unknown };
  reset(): void;
  close(): Promise<void>;
}

export async function startStorageServer(): Promise<FakeStorageServer> {
  const ok = () => ({ status: 200, body: { Key: 'ok' } });
  const fake: Omit<FakeStorageServer, 'url' | 'close'> = {
    requests: [],
    respond: ok,
    reset() {
      fake.requests.length = 0;
      fake.respond = ok;
    },
  };
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const recorded: RecordedRequest = {
        method: req.method ?? '',
        path: req.url ?? '',
        headers: req.headers,
        body: Buffer.concat(chunks),
      };
      fake.requests.push(recorded);
      const answer = fake.respond(recorded);
      res.writeHead(answer.status, { 'content-type': 'application/json' });
      res.end(JSON.stringify(answer.body ?? {}));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return Object.assign(fake, {
    url: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve, reject) =>
        server.close((error) => (error ? reject(error) : resolve())),
      ),
  }) as FakeStorageServer;
}
