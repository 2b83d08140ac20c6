import { prettyFactory } from 'pino-pretty';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type App, buildApp, DEV_LOG_FORMAT } from '../../src/app.js';
import { loggedUrl } from '../../src/plugins/request-context.js';
import { testConfig } from '../helpers/app.js';
import { createTestDatabase, type TestDatabase } from '../helpers/database.js';

/** One log entry a request: JSON in production, one readable line at a developer's terminal. */
describe('the request log', () => {
  const lines: string[] = [];
  let app: App;
  let testDb: TestDatabase;

  beforeAll(async () => {
    testDb = await createTestDatabase();
    app = await buildApp({
      config: testConfig({ LOG_LEVEL: 'info' }),
      database: testDb.database,
      logStream: { write: (line) => void lines.push(line) },
    });
    await app.ready();
  });
  afterAll(async () => {
    await app?.close();
    await testDb?.close();
  });

  it('writes one JSON entry a request, when it is answered', async () => {
    lines.length = 0;
    const res = await app.inject({ method: 'GET', url: '/health?probe=1' });
    expect(res.statusCode).toBe(200);
    const entries = lines.map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(entries).toHaveLength(1);
    expect(entries[0]).toMatchObject({
      level: 30,
      reqId: res.headers['x-request-id'],
      method: 'GET',
      url: '/health?probe=1',
      route: '/health',
      status: 200,
      elapsed_ms: expect.any(Number),
      msg: expect.stringMatching(/^GET \/health\?probe=1 200 \d+ ms$/),
    });
    const missing = await app.inject({ method: 'GET', url: '/nowhere' });
    expect(missing.statusCode).toBe(404);
    expect(lines).toHaveLength(2);
  });

  it('shows a development entry as one line', async () => {
    lines.length = 0;
    await app.inject({ method: 'GET', url: '/health' });
    const pretty = prettyFactory({ ...DEV_LOG_FORMAT, colorize: false })(lines[0]!);
    expect(pretty.trimEnd().split('\n')).toHaveLength(1);
    expect(pretty).toMatch(/^\[\d\d:\d\d:\d\d\.\d{3}\] INFO: GET \/health 200 \d+ ms$/m);
  });

  it('never logs a token sent in the query', () => {
    expect(loggedUrl('/streams/feed?access_token=eyJ.abc.def&x=1')).toBe(
      '/streams/feed?access_token=[redacted]&x=1',
    );
  });
});
