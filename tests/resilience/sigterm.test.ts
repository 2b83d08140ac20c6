import { Agent, request } from 'node:http';
import { afterAll, describe, expect, it } from 'vitest';
import { type ServerProcess, startServer } from '../helpers/server-process.js';

/**
 * SIGTERM with keep-alive clients (docs/resilience.md): the process stops accepting, finishes
 * the requests in flight, closes every connection, the database and Sentry, and exits 0.
 * Before, idle keep-alive sockets kept it waiting until the 10 s guard exited 1.
 */
let server: ServerProcess | undefined;
afterAll(async () => {
  await server?.stop();
});

function get(base: string, agent: Agent, path: string): Promise<number> {
  return new Promise((resolve, reject) => {
    request(`${base}${path}`, { agent }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode ?? 0));
    })
      .on('error', reject)
      .end();
  });
}

describe('SIGTERM', () => {
  it('finishes the request in flight, closes keep-alive connections and exits 0', async () => {
    server = await startServer();
    const { base } = server;
    const agent = new Agent({ keepAlive: true, maxSockets: 8 });
    // eight keep-alive connections, idle when the signal comes
    const statuses = await Promise.all(
      Array.from({ length: 8 }, () => get(base, agent, '/health')),
    );
    expect(statuses).toEqual(Array(8).fill(200));

    // a request in flight: its body is half sent when the signal comes
    const body = JSON.stringify({ message: 'sent across a shutdown', level: 'info' });
    const inFlight = new Promise<{ status: number; connection?: string }>((resolve, reject) => {
      const req = request(
        `${base}/errors/log`,
        {
          agent,
          method: 'POST',
          headers: { 'content-type': 'application/json', 'content-length': body.length },
        },
        (res) => {
          res.resume();
          res.on('end', () =>
            resolve({ status: res.statusCode ?? 0, connection: res.headers.connection }),
          );
        },
      );
      req.on('error', reject);
      req.write(body.slice(0, 10));
      setTimeout(() => req.end(body.slice(10)), 500);
    });
    await new Promise((resolve) => setTimeout(resolve, 100));
    const signalled = performance.now();
    server.child.kill('SIGTERM');

    const answer = await inFlight;
    const code = await server.exited;
    const drainMs = Math.round(performance.now() - signalled);
    console.log(`SIGTERM: exit ${code}, drained in ${drainMs} ms (request in flight: 500 ms)`);
    expect(code).toBe(0);
    // answered, and told that the connection ends with this answer
    expect(answer).toEqual({ status: 201, connection: 'close' });
    agent.destroy();
    // starting the process (migrating the embedded database) takes long on a busy machine
  }, 120_000);
});
