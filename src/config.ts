import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';

/**
 * Every setting of the service, read and validated once at start (API.md "Configuration").
 * Nothing else in the code reads process.env.
 */
export interface Config {
  env: 'development' | 'test' | 'production';
  port: number;
  host: string;
  logLevel: string;
  /** PostgreSQL URL; undefined means the embedded database (PGlite). */
  databaseUrl: string | undefined;
  databasePoolMax: number;
  /** Named (prepared) statements; off for a transaction pooler (see src/db/index.ts). */
  databasePreparedStatements: boolean;
  pgliteDataDir: string;
  /** Folder for local development state: the generated secrets, uploads, the embedded database. */
  dataDir: string;
  supabaseUrl: string | undefined;
  supabaseServiceRoleKey: string | undefined;
  jwtSecret: string | undefined;
  /** True when jwtSecret was generated for local development (npm run token uses it). */
  jwtSecretGenerated: boolean;
  jwtAudience: string;
  adminUserIds: ReadonlySet<string>;
  storageDriver: 'local' | 'supabase';
  storageLocalDir: string;
  publicBaseUrl: string;
  sentryDsn: string | undefined;
  corsOrigins: string[];
  redisUrl: string | undefined;
  ipHashSecret: string;
  trustProxy: boolean;
  cronSecret: string | undefined;
  /** Requests a minute per user (or per IP when anonymous); 0 turns rate limiting off. */
  rateLimitMax: number;
  /** Run the in-process scheduler that refreshes materialized views. */
  schedulerEnabled: boolean;
}

export class ConfigError extends Error {
  override name = 'ConfigError';
}

type Env = Record<string, string | undefined>;

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

function str(env: Env, name: string): string | undefined {
  const value = env[name]?.trim();
  return value === '' ? undefined : value;
}

function int(env: Env, name: string, fallback: number, min: number, max: number): number {
  const raw = str(env, name);
  if (raw === undefined) return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new ConfigError(`${name} must be a whole number from ${min} to ${max} (got "${raw}")`);
  }
  return value;
}

function bool(env: Env, name: string, fallback: boolean): boolean {
  const raw = str(env, name)?.toLowerCase();
  if (raw === undefined) return fallback;
  if (['1', 'true', 'yes', 'on'].includes(raw)) return true;
  if (['0', 'false', 'no', 'off'].includes(raw)) return false;
  throw new ConfigError(`${name} must be true or false (got "${raw}")`);
}

function url(env: Env, name: string, protocols: string[]): string | undefined {
  const raw = str(env, name);
  if (raw === undefined) return undefined;
  let parsed: URL;
  try {
    parsed = new URL(raw);
  } catch {
    throw new ConfigError(`${name} must be a URL (got "${redact(raw)}")`);
  }
  if (!protocols.includes(parsed.protocol)) {
    throw new ConfigError(`${name} must start with ${protocols.map((p) => `${p}//`).join(' or ')}`);
  }
  return raw;
}

function redact(value: string): string {
  return value.replace(/\/\/([^:/@]+):([^@]+)@/, '//$1:***@');
}

function list(env: Env, name: string): string[] {
  return (str(env, name) ?? '')
    .split(',')
    .map((item) => item.trim())
    .filter(Boolean);
}

function required(name: string): never {
  throw new ConfigError(`${name} is required when NODE_ENV=production`);
}

/**
 * Loads `.env` from the working folder into process.env, when there is one. Variables already
 * set win over the file. Entry points (server, scripts) call it; tests never do.
 */
export function loadEnvFile(file = '.env'): void {
  if (existsSync(file)) process.loadEnvFile(file);
}

/** Reads the environment. Pure apart from the development secrets file (see devSecrets). */
export function loadConfig(env: Env = process.env): Config {
  const nodeEnv = str(env, 'NODE_ENV') ?? 'development';
  if (!['development', 'test', 'production'].includes(nodeEnv)) {
    throw new ConfigError(`NODE_ENV must be development, test or production (got "${nodeEnv}")`);
  }
  const mode = nodeEnv as Config['env'];
  const production = mode === 'production';

  const port = int(env, 'PORT', 3000, 0, 65535);
  const host = str(env, 'HOST') ?? '127.0.0.1';
  const dataDir = path.resolve(str(env, 'DATA_DIR') ?? '.data');
  const pgliteRaw = str(env, 'PGLITE_DATA_DIR') ?? path.join(dataDir, 'pglite');
  const pgliteDataDir = pgliteRaw.startsWith('memory://') ? pgliteRaw : path.resolve(pgliteRaw);

  const supabaseUrl = url(env, 'SUPABASE_URL', ['https:', 'http:'])?.replace(/\/+$/, '');
  let jwtSecret = str(env, 'SUPABASE_JWT_SECRET');
  if (jwtSecret !== undefined && jwtSecret.length < 32) {
    throw new ConfigError('SUPABASE_JWT_SECRET must be at least 32 characters');
  }
  let ipHashSecret = str(env, 'IP_HASH_SECRET');
  if (ipHashSecret !== undefined && ipHashSecret.length < 32) {
    throw new ConfigError('IP_HASH_SECRET must be at least 32 characters');
  }

  if (production) {
    if (ipHashSecret === undefined) required('IP_HASH_SECRET');
    if (jwtSecret === undefined && supabaseUrl === undefined) {
      throw new ConfigError(
        'SUPABASE_URL or SUPABASE_JWT_SECRET is required when NODE_ENV=production (no token could be verified)',
      );
    }
  }

  let jwtSecretGenerated = false;
  if (jwtSecret === undefined && supabaseUrl === undefined) {
    jwtSecret = devSecrets(dataDir).jwt_secret;
    jwtSecretGenerated = true;
  }
  ipHashSecret ??= devSecrets(dataDir).ip_hash_secret;

  const adminUserIds = list(env, 'ADMIN_USER_IDS');
  for (const id of adminUserIds) {
    if (!UUID.test(id)) throw new ConfigError(`ADMIN_USER_IDS holds "${id}", which is not a UUID`);
  }

  const storageDriver = str(env, 'STORAGE_DRIVER') ?? 'local';
  if (storageDriver !== 'local' && storageDriver !== 'supabase') {
    throw new ConfigError(`STORAGE_DRIVER must be local or supabase (got "${storageDriver}")`);
  }
  const supabaseServiceRoleKey = str(env, 'SUPABASE_SERVICE_ROLE_KEY');
  if (storageDriver === 'supabase') {
    if (supabaseUrl === undefined) {
      throw new ConfigError('SUPABASE_URL is required when STORAGE_DRIVER=supabase');
    }
    if (supabaseServiceRoleKey === undefined) {
      throw new ConfigError('SUPABASE_SERVICE_ROLE_KEY is required when STORAGE_DRIVER=supabase');
    }
  }

  const publicHost = host === '0.0.0.0' || host === '::' ? 'localhost' : host;
  const publicBaseUrl = (
    url(env, 'PUBLIC_BASE_URL', ['https:', 'http:']) ?? `http://${publicHost}:${port}`
  ).replace(/\/+$/, '');

  const corsRaw = env.CORS_ORIGINS;
  const corsOrigins =
    corsRaw === undefined
      ? production
        ? []
        : ['http://localhost:3000']
      : list(env, 'CORS_ORIGINS');
  for (const origin of corsOrigins) {
    if (origin !== '*' && !/^https?:\/\/[^/\s]+$/.test(origin)) {
      throw new ConfigError(
        `CORS_ORIGINS holds "${origin}", which is not an origin like https://app.example.com`,
      );
    }
  }

  const logLevel = str(env, 'LOG_LEVEL') ?? (mode === 'test' ? 'silent' : 'info');
  if (!['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'].includes(logLevel)) {
    throw new ConfigError(
      `LOG_LEVEL must be one of fatal, error, warn, info, debug, trace, silent`,
    );
  }

  const databaseUrl = url(env, 'DATABASE_URL', ['postgres:', 'postgresql:']);
  // Supabase's transaction pooler listens on 6543: prepared statements are off there unless
  // the setting says otherwise
  const transactionPooler = databaseUrl !== undefined && new URL(databaseUrl).port === '6543';

  return {
    env: mode,
    port,
    host,
    logLevel,
    databaseUrl,
    databasePoolMax: int(env, 'DATABASE_POOL_MAX', 10, 1, 200),
    databasePreparedStatements: bool(env, 'DATABASE_PREPARED_STATEMENTS', !transactionPooler),
    pgliteDataDir,
    dataDir,
    supabaseUrl,
    supabaseServiceRoleKey,
    jwtSecret,
    jwtSecretGenerated,
    jwtAudience: str(env, 'JWT_AUDIENCE') ?? 'authenticated',
    adminUserIds: new Set(adminUserIds.map((id) => id.toLowerCase())),
    storageDriver,
    storageLocalDir: path.resolve(str(env, 'STORAGE_LOCAL_DIR') ?? path.join(dataDir, 'uploads')),
    publicBaseUrl,
    sentryDsn: url(env, 'SENTRY_DSN', ['https:', 'http:']),
    corsOrigins,
    redisUrl: url(env, 'REDIS_URL', ['redis:', 'rediss:']),
    ipHashSecret,
    trustProxy: bool(env, 'TRUST_PROXY', false),
    cronSecret: str(env, 'CRON_SECRET'),
    rateLimitMax: int(env, 'RATE_LIMIT_MAX', 600, 0, 1_000_000),
    schedulerEnabled: bool(env, 'SCHEDULER_ENABLED', mode !== 'test'),
  };
}

interface DevSecrets {
  jwt_secret: string;
  ip_hash_secret: string;
}

/**
 * Secrets for local development: generated once and kept in the data folder, so that tokens
 * minted by `npm run token` stay valid across restarts. Never used in production.
 */
export function devSecrets(dataDir: string): DevSecrets {
  const file = path.join(dataDir, 'secrets.json');
  try {
    const saved = JSON.parse(readFileSync(file, 'utf8')) as Partial<DevSecrets>;
    if (typeof saved.jwt_secret === 'string' && typeof saved.ip_hash_secret === 'string') {
      return saved as DevSecrets;
    }
  } catch {
    // not there yet (or unreadable): make new ones below
  }
  const secrets: DevSecrets = {
    jwt_secret: randomBytes(32).toString('base64url'),
    ip_hash_secret: randomBytes(32).toString('base64url'),
  };
  mkdirSync(dataDir, { recursive: true });
  writeFileSync(file, `${JSON.stringify(secrets, null, 2)}\n`, { mode: 0o600 });
  return secrets;
}
