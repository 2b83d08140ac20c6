import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { renderEnvExample, renderReadme } from '../../scripts/settings-docs.js';
import { ConfigError, loadConfig } from '../../src/config.js';

const SECRET = 's'.repeat(40);
const prod = (env: Record<string, string>) =>
  loadConfig({
    NODE_ENV: 'production',
    DATA_DIR: mkdtempSync(path.join(tmpdir(), 'cfg-')),
    ...env,
  });

function errorOf(fn: () => unknown): string {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return (error as Error).message;
  }
  throw new Error('no error was thrown');
}

describe('configuration', () => {
  it('has the documented defaults in development', () => {
    const dataDir = mkdtempSync(path.join(tmpdir(), 'cfg-'));
    const config = loadConfig({ DATA_DIR: dataDir });
    expect(config).toMatchObject({
      env: 'development',
      port: 3000,
      host: '127.0.0.1',
      databaseUrl: undefined,
      pgliteDataDir: path.join(dataDir, 'pglite'),
      jwtAudience: 'authenticated',
      storageDriver: 'local',
      publicBaseUrl: 'http://127.0.0.1:3000',
      corsOrigins: ['http://localhost:3000'],
      trustProxy: false,
      cronSecret: undefined,
      jwtSecretGenerated: true,
    });
    // the generated development secrets are kept, so tokens survive a restart
    const saved = JSON.parse(readFileSync(path.join(dataDir, 'secrets.json'), 'utf8'));
    expect(saved.jwt_secret).toBe(config.jwtSecret);
    expect(loadConfig({ DATA_DIR: dataDir }).jwtSecret).toBe(config.jwtSecret);
  });

  it('starts in production with the required settings', () => {
    const config = prod({ IP_HASH_SECRET: SECRET, SUPABASE_URL: 'https://abc.supabase.co/' });
    expect(config.supabaseUrl).toBe('https://abc.supabase.co');
    expect(config.corsOrigins).toEqual([]);
    expect(config.jwtSecret).toBeUndefined();
  });

  it('names the missing setting in production', () => {
    expect(errorOf(() => prod({ SUPABASE_JWT_SECRET: SECRET }))).toBe(
      'IP_HASH_SECRET is required when NODE_ENV=production',
    );
    expect(errorOf(() => prod({ IP_HASH_SECRET: SECRET }))).toMatch(
      /^SUPABASE_URL or SUPABASE_JWT_SECRET/,
    );
  });

  it('names the malformed setting', () => {
    const base = { IP_HASH_SECRET: SECRET, SUPABASE_JWT_SECRET: SECRET };
    expect(errorOf(() => prod({ ...base, PORT: 'eighty' }))).toMatch(
      /^PORT must be a whole number/,
    );
    expect(errorOf(() => prod({ ...base, PORT: '70000' }))).toMatch(/^PORT/);
    expect(errorOf(() => prod({ ...base, DATABASE_URL: 'mysql://x' }))).toMatch(
      /^DATABASE_URL must start with/,
    );
    expect(errorOf(() => prod({ ...base, DATABASE_URL: 'not a url' }))).toMatch(
      /^DATABASE_URL must be a URL/,
    );
    expect(errorOf(() => prod({ ...base, TRUST_PROXY: 'maybe' }))).toMatch(/^TRUST_PROXY/);
    expect(errorOf(() => prod({ ...base, STORAGE_DRIVER: 's3' }))).toMatch(/^STORAGE_DRIVER/);
    expect(errorOf(() => prod({ ...base, STORAGE_DRIVER: 'supabase' }))).toMatch(
      /^SUPABASE_URL is required/,
    );
    expect(errorOf(() => prod({ ...base, ADMIN_USER_IDS: 'alice' }))).toMatch(/^ADMIN_USER_IDS/);
    expect(errorOf(() => prod({ ...base, CORS_ORIGINS: 'app.example.com' }))).toMatch(
      /^CORS_ORIGINS/,
    );
    expect(errorOf(() => prod({ ...base, SUPABASE_JWT_SECRET: 'short' }))).toMatch(/at least 32/);
    expect(errorOf(() => prod({ ...base, NODE_ENV: 'staging' }))).toMatch(/^NODE_ENV/);
  });

  it('does not print the password of a malformed database URL', () => {
    const message = errorOf(() =>
      prod({
        IP_HASH_SECRET: SECRET,
        SUPABASE_JWT_SECRET: SECRET,
        DATABASE_URL: 'mysql://u:hunter2@h/db',
      }),
    );
    expect(message).not.toContain('hunter2');
  });

  it('reads lists and flags', () => {
    const config = prod({
      IP_HASH_SECRET: SECRET,
      SUPABASE_JWT_SECRET: SECRET,
      ADMIN_USER_IDS: ' 6F1C0A1E-0000-4000-8000-000000000001 , ',
      CORS_ORIGINS: 'https://a.test,https://b.test',
      TRUST_PROXY: 'true',
      CRON_SECRET: 'cron',
      PGLITE_DATA_DIR: 'memory://',
    });
    expect([...config.adminUserIds]).toEqual(['6f1c0a1e-0000-4000-8000-000000000001']);
    expect(config.corsOrigins).toEqual(['https://a.test', 'https://b.test']);
    expect(config.trustProxy).toBe(true);
    expect(config.cronSecret).toBe('cron');
    expect(config.pgliteDataDir).toBe('memory://');
  });
});

describe('npm start with a bad configuration', () => {
  it('stops with one line that names the setting', async () => {
    const { spawnSync } = await import('node:child_process');
    const result = spawnSync(process.execPath, ['--import', 'tsx', 'src/server.ts'], {
      env: { PATH: process.env.PATH, NODE_ENV: 'production', SUPABASE_JWT_SECRET: SECRET },
      encoding: 'utf8',
      timeout: 30_000,
    });
    expect(result.status).toBe(1);
    expect(result.stderr.trim()).toBe(
      'configuration error: IP_HASH_SECRET is required when NODE_ENV=production',
    );
  });
});

describe('the documentation of the settings', () => {
  it('names every variable the configuration reads, in README.md and .env.example', () => {
    const read = new Set<string>();
    const env = new Proxy({ NODE_ENV: 'development' } as Record<string, string | undefined>, {
      get(target, name) {
        if (typeof name === 'string') read.add(name);
        return target[name as string];
      },
    });
    loadConfig(env);
    const names = [...read].filter((name) => /^[A-Z][A-Z0-9_]+$/.test(name)).sort();
    expect(names).toContain('DATABASE_PREPARED_STATEMENTS');
    const readme = readFileSync('README.md', 'utf8');
    const example = readFileSync('.env.example', 'utf8');
    expect(names.filter((name) => !readme.includes(`\`${name}\``))).toEqual([]);
    expect(names.filter((name) => !new RegExp(`^#? ?${name}=`, 'm').test(example))).toEqual([]);
  });

  it('is written from the declaration of the settings (npm run settings:docs)', () => {
    expect(readFileSync('.env.example', 'utf8')).toBe(renderEnvExample());
    const readme = readFileSync('README.md', 'utf8');
    expect(readme).toBe(renderReadme(readme));
  });
});
