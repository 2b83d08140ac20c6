import { type Static, type TSchema, Type } from 'typebox';

/**
 * Every setting of the service, declared once in `SETTINGS` below: its variable, type, default
 * and meaning. `loadConfig` reads and checks the environment against it at start; README.md's
 * settings table and .env.example are written from it (`npm run settings:docs`, and a test
 * holds them to it). Nothing else in the code reads process.env.
 */

/** How a setting is documented: grouped in .env.example, and where its default depends on others. */
export interface Setting<S extends TSchema = TSchema> {
  type: S;
  /** What the setting does, in a sentence or two. */
  help: string;
  /** The default, when it is a value; a text when it depends on other settings. */
  default?: Static<S> | string;
  /** Shown in .env.example as an example value. */
  example?: string;
  /** Required when NODE_ENV=production. */
  production?: 'required';
}

/** A URL whose scheme is one of these (TypeBox string with our own `protocols` keyword). */
const Url = (...protocols: string[]) => Type.String({ format: 'uri', protocols });
const Secret = Type.String({ minLength: 32 });
const List = (format?: 'uuid') => Type.Array(Type.String(format ? { format } : {}));

const setting = <S extends TSchema>(s: Setting<S>) => s;

export const SETTINGS = {
  NODE_ENV: setting({
    type: Type.Enum(['development', 'test', 'production']),
    default: 'development',
    help: 'The mode: development, test or production',
  }),
  PORT: setting({
    type: Type.Integer({ minimum: 0, maximum: 65535 }),
    default: 3000,
    help: 'Where to listen: the port',
  }),
  HOST: setting({
    type: Type.String(),
    default: '127.0.0.1',
    help: 'Where to listen: the address',
  }),
  LOG_LEVEL: setting({
    type: Type.Enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']),
    default: 'info (silent under NODE_ENV=test)',
    help: 'How much the service logs: fatal, error, warn, info, debug, trace or silent',
  }),
  DATABASE_URL: setting({
    type: Url('postgres:', 'postgresql:'),
    help: 'PostgreSQL URL. Unset: the embedded database (PGlite) in PGLITE_DATA_DIR. Supabase: the pooler URL',
    example:
      'postgres://postgres.<ref>:<password>@aws-0-<region>.pooler.supabase.com:6543/postgres?sslmode=require',
  }),
  DATABASE_POOL_MAX: setting({
    type: Type.Integer({ minimum: 1, maximum: 200 }),
    default: 10,
    help: 'Connections in the pool of each instance',
  }),
  DATABASE_PREPARED_STATEMENTS: setting({
    type: Type.Boolean(),
    default: 'true; false when DATABASE_URL uses port 6543',
    help: "Name SQL statements so each connection plans them once (faster pages); Supabase's transaction pooler (port 6543) cannot keep them",
  }),
  DATA_DIR: setting({
    type: Type.String(),
    default: './.data',
    help: 'Folder for local state: the generated development secrets, uploads, the embedded database',
  }),
  PGLITE_DATA_DIR: setting({
    type: Type.String(),
    default: 'DATA_DIR/pglite',
    help: 'Folder of the embedded database; memory:// keeps it in memory (gone at exit)',
  }),
  SUPABASE_URL: setting({
    type: Url('https:', 'http:'),
    help: 'Supabase project URL: access tokens are verified against its JWKS (<SUPABASE_URL>/auth/v1/.well-known/jwks.json) and their issuer must be <SUPABASE_URL>/auth/v1',
    example: 'https://<ref>.supabase.co',
  }),
  SUPABASE_JWT_SECRET: setting({
    type: Secret,
    default: 'generated in development (DATA_DIR/secrets.json)',
    help: 'Legacy HS256 JWT secret of the project (Settings -> API), at least 32 characters. In production SUPABASE_URL or SUPABASE_JWT_SECRET is required; in development a secret is generated once and `npm run token` signs with it',
  }),
  SUPABASE_SERVICE_ROLE_KEY: setting({
    type: Type.String(),
    help: 'Service key of the Supabase project: needed by STORAGE_DRIVER=supabase',
  }),
  JWT_AUDIENCE: setting({
    type: Type.String(),
    default: 'authenticated',
    help: 'Required "aud" claim of access tokens',
  }),
  ADMIN_USER_IDS: setting({
    type: List('uuid'),
    default: [],
    help: 'Comma-separated user ids that are admins (besides app_metadata.role = "admin" in the token)',
  }),
  STORAGE_DRIVER: setting({
    type: Type.Enum(['local', 'supabase']),
    default: 'local',
    help: 'Where uploaded files go: local (files under STORAGE_LOCAL_DIR, served by the API) or supabase (buckets profile-pictures and post-media; needs SUPABASE_URL and SUPABASE_SERVICE_ROLE_KEY)',
  }),
  STORAGE_LOCAL_DIR: setting({
    type: Type.String(),
    default: 'DATA_DIR/uploads',
    help: 'Folder of the local storage driver',
  }),
  PUBLIC_BASE_URL: setting({
    type: Url('https:', 'http:'),
    default: 'http://HOST:PORT',
    help: 'Base of the URLs handed out for stored files (local driver)',
    example: 'https://api.pageshare.example',
  }),
  SENTRY_DSN: setting({ type: Url('https:', 'http:'), help: 'Send unexpected errors to Sentry' }),
  CORS_ORIGINS: setting({
    type: List(),
    default: 'http://localhost:3000 in development, none in production',
    help: 'Comma-separated origins allowed by CORS (* for any)',
    example: 'https://pageshare.example',
  }),
  REDIS_URL: setting({
    type: Url('redis:', 'rediss:'),
    help: 'Shared by the instances: rate limits, and the live streams’ announcements (one instance listens to the database and relays through Redis pub/sub). Unset: rate limits in-process, and every instance listens itself',
    example: 'redis://127.0.0.1:6379',
  }),
  RATE_LIMIT_MAX: setting({
    type: Type.Integer({ minimum: 0, maximum: 1_000_000 }),
    default: 600,
    help: 'Requests a minute per user (per IP when anonymous); 0 turns rate limiting off',
  }),
  IP_HASH_SECRET: setting({
    type: Secret,
    default: 'generated in development (DATA_DIR/secrets.json)',
    production: 'required',
    help: 'Key of the HMAC that IP addresses are kept as (at least 32 characters)',
  }),
  TRUST_PROXY: setting({
    type: Type.Boolean(),
    default: false,
    help: "Honour X-Forwarded-For and the platform's country headers (on behind Vercel or a proxy)",
  }),
  CRON_SECRET: setting({
    type: Type.String(),
    help: 'Bearer secret of the GET /internal/cron/* routes (Vercel Cron: view refresh, suspensions, fan-out). Unset: the endpoints are off',
  }),
  POST_EDIT_WINDOW_MINUTES: setting({
    type: Type.Integer({ minimum: 0, maximum: 10_080 }),
    default: 15,
    help: 'How long after posting a post can be edited (0: never)',
  }),
  DATABASE_LISTEN_URL: setting({
    type: Url('postgres:', 'postgresql:'),
    default: 'DATABASE_URL',
    help: "A direct (session) PostgreSQL URL for the one LISTEN connection of each instance that feeds the live streams, when DATABASE_URL is a transaction pooler (Supabase's port 6543 cannot hold a LISTEN)",
    example: 'postgres://postgres:<password>@db.<ref>.supabase.co:5432/postgres?sslmode=require',
  }),
  STREAM_HEARTBEAT_S: setting({
    type: Type.Integer({ minimum: 1, maximum: 3600 }),
    default: 20,
    help: 'Seconds between heartbeats (a `: ping` comment line) on a live stream',
  }),
  STREAM_MAX_PER_USER: setting({
    type: Type.Integer({ minimum: 1, maximum: 10_000 }),
    default: 5,
    help: 'Live streams one user may hold open on an instance (the next one: 429)',
  }),
  STREAM_MAX: setting({
    type: Type.Integer({ minimum: 0, maximum: 1_000_000 }),
    default: 10_000,
    help: 'Live streams an instance holds open at most (the next one: 503 with Retry-After); 0 turns streams off',
  }),
  STREAM_MAX_DURATION_S: setting({
    type: Type.Integer({ minimum: 0, maximum: 86_400 }),
    default: 0,
    help: "End each live stream after this many seconds (the client resumes with Last-Event-ID); 0: never. On Vercel set it below the function's maximum duration",
  }),
  STREAM_BUFFER_KB: setting({
    type: Type.Integer({ minimum: 16, maximum: 65_536 }),
    default: 256,
    help: 'Unsent bytes a live stream may hold for a client that does not read before it is ended (the client can resume)',
  }),
  REQUEST_TIMEOUT_S: setting({
    type: Type.Integer({ minimum: 1, maximum: 3600 }),
    default: 120,
    help: 'Seconds a request may take to arrive, headers and body; a slower one is answered 408 and its connection closed',
  }),
  SCHEDULER_ENABLED: setting({
    type: Type.Boolean(),
    default: 'true (false under NODE_ENV=test)',
    help: 'Refresh the materialized views from inside the process (hourly/daily)',
  }),
  TIMELINE_ENTRIES: setting({
    type: Type.Integer({ minimum: 50, maximum: 10_000 }),
    default: 800,
    help: 'Entries a home timeline keeps (GET /feed?type=following); a page older than that is read at read time',
  }),
  TIMELINE_PULL_FOLLOWERS: setting({
    type: Type.Integer({ minimum: 1, maximum: 100_000_000 }),
    default: 10_000,
    help: 'Followers from which an author is merged into home timelines at read time instead of fanned out on write',
  }),
  TIMELINE_TICK_MS: setting({
    type: Type.Integer({ minimum: 50, maximum: 60_000 }),
    default: 500,
    help: 'How often the in-process step fans new posts out to home timelines and folds pending counter deltas (with SCHEDULER_ENABLED)',
  }),
} satisfies Record<string, Setting>;

export type SettingName = keyof typeof SETTINGS;
