import { spawnSync } from 'node:child_process';
import { createServer, type Server } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TEST_IP_HASH_SECRET, TEST_JWT_SECRET } from '../helpers/env.js';

describe('npm start on a busy port', () => {
  let holder: Server;
  let port: number;
  beforeAll(async () => {
    holder = createServer();
    await new Promise<void>((resolve) => holder.listen(0, '127.0.0.1', resolve));
    port = (holder.address() as { port: number }).port;
  });
  afterAll(() => new Promise<void>((resolve) => holder.close(() => resolve())));

  it('says the port is busy and how to pick another, in one line, before opening the database', () => {
    const result = spawnSync(process.execPath, ['--import', 'tsx', 'src/server.ts'], {
      env: {
        PATH: process.env.PATH,
        NODE_ENV: 'development',
        HOST: '127.0.0.1',
        PORT: String(port),
        SUPABASE_JWT_SECRET: TEST_JWT_SECRET,
        IP_HASH_SECRET: TEST_IP_HASH_SECRET,
        // a database that cannot be reached: the port is checked before it is tried
        DATABASE_URL: 'postgres://postgres@127.0.0.1:9/none',
      },
      encoding: 'utf8',
      timeout: 30_000,
    });
    expect(result.status).toBe(1);
    expect(result.stderr.trim()).toBe(
      `port ${port} is busy on 127.0.0.1 (another PageShare API, or npm run dev?): ` +
        `stop it, or set PORT to another port (PORT=${port + 1} npm start)`,
    );
    expect(result.stdout).toBe('');
  });
});
