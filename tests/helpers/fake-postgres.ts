import { createServer, type Server, type Socket } from 'node:net';

/**
 * A TCP server that plays the few moments of PostgreSQL's wire protocol a test needs, to show
 * what the service does when its database misbehaves in ways a healthy server never does on
 * demand:
 * - `silent`: accepts the connection and never answers (a host that swallows packets);
 * - `starting-up`: refuses the login with FATAL 57P03, as PostgreSQL does while it starts or
 *   restarts ("the database system is starting up");
 * - `no-such-database`: refuses the login with FATAL 3D000, as for a wrong DATABASE_URL;
 * - `dies-in-transaction`: logs in, answers BEGIN, then ends the connection with FATAL 57P01
 *   as a restart does ("terminating connection due to administrator command").
 */
export type FakePostgresMode =
  | 'silent'
  | 'starting-up'
  | 'no-such-database'
  | 'dies-in-transaction';

export interface FakePostgres {
  url: string;
  close(): Promise<void>;
}

function message(type: string, body: Buffer): Buffer {
  const header = Buffer.alloc(5);
  header.write(type, 0, 'latin1');
  header.writeInt32BE(body.length + 4, 1);
  return Buffer.concat([header, body]);
}

function errorResponse(code: string, text: string): Buffer {
  const fields = [`SFATAL`, `VFATAL`, `C${code}`, `M${text}`].map((f) => Buffer.from(`${f}\0`));
  return message('E', Buffer.concat([...fields, Buffer.from('\0')]));
}

const authenticationOk = () => message('R', Buffer.from([0, 0, 0, 0]));
const readyForQuery = (status: 'I' | 'T') => message('Z', Buffer.from(status));
const commandComplete = (tag: string) => message('C', Buffer.from(`${tag}\0`));

export async function startFakePostgres(mode: FakePostgresMode): Promise<FakePostgres> {
  const sockets = new Set<Socket>();
  const server: Server = createServer((socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => {});
    if (mode === 'silent') return;
    let started = false;
    let buffered = Buffer.alloc(0);
    socket.on('data', (chunk) => {
      buffered = Buffer.concat([buffered, chunk]);
      if (!started) {
        if (buffered.length < 4) return;
        const length = buffered.readInt32BE(0);
        if (buffered.length < length) return;
        buffered = buffered.subarray(length);
        started = true;
        if (mode === 'starting-up') {
          socket.end(errorResponse('57P03', 'the database system is starting up'));
          return;
        }
        if (mode === 'no-such-database') {
          socket.end(errorResponse('3D000', 'database "fake" does not exist'));
          return;
        }
        socket.write(Buffer.concat([authenticationOk(), readyForQuery('I')]));
      }
      while (buffered.length >= 5) {
        const type = String.fromCharCode(buffered[0]!);
        const length = buffered.readInt32BE(1);
        if (buffered.length < length + 1) return;
        buffered = buffered.subarray(length + 1);
        if (type === 'Q') {
          socket.write(Buffer.concat([commandComplete('BEGIN'), readyForQuery('T')]));
          // the restart: the server ends the connection while the client holds it
          setTimeout(() => {
            socket.end(
              errorResponse('57P01', 'terminating connection due to administrator command'),
            );
          }, 50);
        }
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return {
    url: `postgres://postgres@127.0.0.1:${port}/fake`,
    close: async () => {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
