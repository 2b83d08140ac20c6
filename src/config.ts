import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { Static, TSchema } from 'typebox';
import { isUuid } from './lib/schemas.js';
import { SETTINGS, type Setting, type SettingName } from './settings.js';

/**
 * The settings' loader: `loadConfig` reads and checks the environment against the
 * declarations of src/settings.ts at start and answers the typed Config. Nothing else in the
 * code reads process.env.
 */

/** The service's settings, read once at start. */
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
  /** Seconds a request may take to arrive (headers and body). */
  requestTimeoutS: number;
  /** Run the in-process scheduler that refreshes materialized views. */
  schedulerEnabled: boolean;
  postEditWindowMinutes: number;
  /** The URL of the LISTEN connection (live streams); DATABASE_URL when unset. */
  databaseListenUrl: string | undefined;
  streamHeartbeatS: number;
  streamMaxPerUser: number;
  streamMax: number;
  /** End a stream after this many seconds (0: never), for hosts with a maximum duration. */
  streamMaxDurationS: number;
  /** Unsent bytes a stream may hold before it is ended. */
  streamBufferBytes: number;
  /** Entries a home timeline keeps. */
  timelineEntries: number;
  /** Followers from which an author is merged at read time. */
  timelinePullFollowers: number;
  /** The in-process fan-out's interval. */
  timelineTickMs: number;
}

export class ConfigError extends Error {
  override name = 'ConfigError';
}

type Env = Record<string, string | undefined>;

function redact(value: string): string {
  return value.replace(/\/\/([^:/@]+):([^@]+)@/, '//$1:***@');
}

/**
 * One setting's value from its text, checked against its type; undefined when unset (or
 * blank). Throws a ConfigError naming the setting and what it must be.
 */
function parse(name: string, schema: TSchema, raw: string): unknown {
  const s = schema as TSchema & {
    type?: string;
    enum?: string[];
    minimum?: number;
    maximum?: number;
    minLength?: number;
    protocols?: string[];
    items?: { format?: string };
  };
  const fail = (rule: string) => new ConfigError(`${name} ${rule}`);
  if (s.enum) {
    if (!s.enum.includes(raw)) {
      throw fail(`must be ${s.enum.join(', ').replace(/, ([^,]*)$/, ' or $1')} (got "${raw}")`);
    }
    return raw;
  }
  switch (s.type) {
    case 'integer': {
      const value = Number(raw);
      if (!Number.isInteger(value) || value < s.minimum! || value > s.maximum!) {
        throw fail(`must be a whole number from ${s.minimum} to ${s.maximum} (got "${raw}")`);
      }
      return value;
    }
    case 'boolean': {
      const lower = raw.toLowerCase();
      if (['1', 'true', 'yes', 'on'].includes(lower)) return true;
      if (['0', 'false', 'no', 'off'].includes(lower)) return false;
      throw fail(`must be true or false (got "${raw}")`);
    }
    case 'array':
      return raw
        .split(',')
        .map((item) => item.trim())
        .filter(Boolean)
        .map((item) => {
          if (s.items?.format === 'uuid' && !isUuid(item)) {
            throw fail(`holds "${item}", which is not a UUID`);
          }
          return item;
        });
    default:
      if (s.protocols) {
        let url: URL;
        try {
          url = new URL(raw);
        } catch {
          throw fail(`must be a URL (got "${redact(raw)}")`);
        }
        if (!s.protocols.includes(url.protocol)) {
          throw fail(`must start with ${s.protocols.map((p) => `${p}//`).join(' or ')}`);
        }
      }
      if (s.minLength !== undefined && raw.length < s.minLength) {
        throw fail(`must be at least ${s.minLength} characters`);
      }
      return raw;
  }
}

type Values = { [N in SettingName]: Static<(typeof SETTINGS)[N]['type']> | undefined };

/** Every setting as sent (blank is unset), parsed; defaults are applied by loadConfig. */
function readSettings(env: Env): Values {
  const values: Record<string, unknown> = {};
  for (const [name, declared] of Object.entries(SETTINGS)) {
    const raw = env[name]?.trim();
    values[name] = raw === undefined || raw === '' ? undefined : parse(name, declared.type, raw);
  }
  return values as Values;
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
  const v = readSettings(env);
  const mode = v.NODE_ENV ?? 'development';
  const production = mode === 'production';

  const port = v.PORT ?? 3000;
  const host = v.HOST ?? '127.0.0.1';
  const dataDir = path.resolve(v.DATA_DIR ?? '.data');
  const pgliteRaw = v.PGLITE_DATA_DIR ?? path.join(dataDir, 'pglite');
  const pgliteDataDir = pgliteRaw.startsWith('memory://') ? pgliteRaw : path.resolve(pgliteRaw);
  const supabaseUrl = v.SUPABASE_URL?.replace(/\/+$/, '');
  let jwtSecret = v.SUPABASE_JWT_SECRET;
  let ipHashSecret = v.IP_HASH_SECRET;

  if (production) {
    for (const [name, declared] of Object.entries(SETTINGS)) {
      if ((declared as Setting).production === 'required' && v[name as SettingName] === undefined) {
        throw new ConfigError(`${name} is required when NODE_ENV=production`);
      }
    }
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

  const storageDriver = v.STORAGE_DRIVER ?? 'local';
  if (storageDriver === 'supabase') {
    if (supabaseUrl === undefined) {
      throw new ConfigError('SUPABASE_URL is required when STORAGE_DRIVER=supabase');
    }
    if (v.SUPABASE_SERVICE_ROLE_KEY === undefined) {
      throw new ConfigError('SUPABASE_SERVICE_ROLE_KEY is required when STORAGE_DRIVER=supabase');
    }
  }

  const publicHost = host === '0.0.0.0' || host === '::' ? 'localhost' : host;
  const publicBaseUrl = (v.PUBLIC_BASE_URL ?? `http://${publicHost}:${port}`).replace(/\/+$/, '');

  // set but blank means "no origins", unset means the default of the mode
  const corsOrigins =
    env.CORS_ORIGINS === undefined
      ? production
        ? []
        : ['http://localhost:3000']
      : (v.CORS_ORIGINS ?? []);
  for (const origin of corsOrigins) {
    if (origin !== '*' && !/^https?:\/\/[^/\s]+$/.test(origin)) {
      throw new ConfigError(
        `CORS_ORIGINS holds "${origin}", which is not an origin like https://app.example.com`,
      );
    }
  }

  const databaseUrl = v.DATABASE_URL;
  // Supabase's transaction pooler listens on 6543: prepared statements are off there unless
  // the setting says otherwise
  const transactionPooler = databaseUrl !== undefined && new URL(databaseUrl).port === '6543';

  return {
    env: mode,
    port,
    host,
    logLevel: v.LOG_LEVEL ?? (mode === 'test' ? 'silent' : 'info'),
    databaseUrl,
    databasePoolMax: v.DATABASE_POOL_MAX ?? 10,
    databasePreparedStatements: v.DATABASE_PREPARED_STATEMENTS ?? !transactionPooler,
    pgliteDataDir,
    dataDir,
    supabaseUrl,
    supabaseServiceRoleKey: v.SUPABASE_SERVICE_ROLE_KEY,
    jwtSecret,
    jwtSecretGenerated,
    jwtAudience: v.JWT_AUDIENCE ?? 'authenticated',
    adminUserIds: new Set((v.ADMIN_USER_IDS ?? []).map((id) => id.toLowerCase())),
    storageDriver,
    storageLocalDir: path.resolve(v.STORAGE_LOCAL_DIR ?? path.join(dataDir, 'uploads')),
    publicBaseUrl,
    sentryDsn: v.SENTRY_DSN,
    corsOrigins,
    redisUrl: v.REDIS_URL,
    ipHashSecret,
    trustProxy: v.TRUST_PROXY ?? false,
    cronSecret: v.CRON_SECRET,
    rateLimitMax: v.RATE_LIMIT_MAX ?? 600,
    requestTimeoutS: v.REQUEST_TIMEOUT_S ?? 120,
    schedulerEnabled: v.SCHEDULER_ENABLED ?? mode !== 'test',
    postEditWindowMinutes: v.POST_EDIT_WINDOW_MINUTES ?? 15,
    databaseListenUrl: v.DATABASE_LISTEN_URL ?? databaseUrl,
    streamHeartbeatS: v.STREAM_HEARTBEAT_S ?? 20,
    streamMaxPerUser: v.STREAM_MAX_PER_USER ?? 5,
    streamMax: v.STREAM_MAX ?? 10_000,
    streamMaxDurationS: v.STREAM_MAX_DURATION_S ?? 0,
    streamBufferBytes: (v.STREAM_BUFFER_KB ?? 256) * 1024,
    timelineEntries: v.TIMELINE_ENTRIES ?? 800,
    timelinePullFollowers: v.TIMELINE_PULL_FOLLOWERS ?? 10_000,
    timelineTickMs: v.TIMELINE_TICK_MS ?? 500,
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
