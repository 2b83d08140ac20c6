import { randomUUID } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import type { InjectOptions, LightMyRequestResponse } from 'fastify';
import { afterAll, beforeAll, inject } from 'vitest';
import { type App, buildApp } from '../../src/app.js';
import { type Config, loadConfig } from '../../src/config.js';
import type { Db } from '../../src/db/index.js';
import { mintToken } from '../../src/lib/tokens.js';
import { createTestDatabase, type TestDatabase } from './database.js';
import { TEST_IP_HASH_SECRET, TEST_JWT_SECRET } from './env.js';

export interface TestApp {
  app: App;
  db: Db;
  config: Config;
  testDb: TestDatabase;
  /** A real HS256 token for this user id, signed with the test project's secret. */
  token(userId: string, options?: { admin?: boolean; expiresInSeconds?: number }): Promise<string>;
  /** app.inject with an optional bearer token. */
  request(options: InjectOptions & { token?: string }): Promise<LightMyRequestResponse>;
  close(): Promise<void>;
}

/** The environment of a test app; `env` overrides it (values are as in process.env). */
export function testConfig(env: Record<string, string | undefined> = {}): Config {
  const dir = path.join(inject('runDir'), randomUUID());
  mkdirSync(dir, { recursive: true });
  return loadConfig({
    NODE_ENV: 'test',
    DATA_DIR: dir,
    SUPABASE_JWT_SECRET: TEST_JWT_SECRET,
    IP_HASH_SECRET: TEST_IP_HASH_SECRET,
    STORAGE_LOCAL_DIR: path.join(dir, 'uploads'),
    PUBLIC_BASE_URL: 'http://api.test',
    RATE_LIMIT_MAX: '0',
    LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'silent',
    ...env,
  });
}

export async function createTestApp(
  env: Record<string, string | undefined> = {},
  configure?: (app: App) => void | Promise<void>,
): Promise<TestApp> {
  const config = testConfig(env);
  const testDb = await createTestDatabase();
  let app: App;
  try {
    app = await buildApp({ config, database: testDb.database });
    await configure?.(app);
    await app.ready();
  } catch (error) {
    await testDb.close();
    throw error;
  }
  return {
    app,
    db: testDb.database.db,
    config,
    testDb,
    token: (userId, options = {}) =>
      mintToken({
        userId,
        secret: TEST_JWT_SECRET,
        audience: config.jwtAudience,
        ...(config.supabaseUrl ? { issuer: `${config.supabaseUrl}/auth/v1` } : {}),
        ...options,
      }),
    request: ({ token, ...options }) =>
      app.inject({
        ...options,
        headers: { ...options.headers, ...(token ? { authorization: `Bearer ${token}` } : {}) },
      }),
    close: async () => {
      await app.close();
      await testDb.close();
    },
  };
}

/**
 * One app and database for the whole test file: built before the first test, closed after
 * the last. Tests make their own users, so they don't step on each other.
 */
export function useTestApp(
  env: Record<string, string | undefined> = {},
  configure?: (app: App) => void | Promise<void>,
): TestApp {
  let current: TestApp | undefined;
  beforeAll(async () => {
    current = await createTestApp(env, configure);
  });
  afterAll(async () => {
    await current?.close();
  });
  return new Proxy({} as TestApp, {
    get(_target, property) {
      if (!current) throw new Error('the test app is used before beforeAll ran');
      return current[property as keyof TestApp];
    },
  });
}
