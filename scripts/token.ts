import { randomUUID } from 'node:crypto';
import { parseArgs } from 'node:util';
import { ConfigError, loadConfig, loadEnvFile } from '../src/config.js';
import { issuerOf, mintToken } from '../src/lib/tokens.js';

/**
 * npm run token -- [--user <uuid>] [--admin] [--hours <n>]
 * Prints an access token that the local server accepts: HS256, signed with the development
 * secret kept in the data folder (or SUPABASE_JWT_SECRET when it is set), shaped like a
 * Supabase token. For tokens of a real Supabase project, sign in through Supabase instead.
 */
const { values } = parseArgs({
  options: {
    user: { type: 'string' },
    admin: { type: 'boolean', default: false },
    hours: { type: 'string', default: '24' },
    help: { type: 'boolean', short: 'h', default: false },
  },
});

if (values.help) {
  console.log('usage: npm run token -- [--user <uuid>] [--admin] [--hours <n>]');
  process.exit(0);
}

try {
  loadEnvFile();
  const config = loadConfig();
  if (!config.jwtSecret) {
    throw new ConfigError(
      'no HS256 secret: this project verifies tokens with the JWKS of SUPABASE_URL; sign in through Supabase to get one',
    );
  }
  const userId = values.user ?? randomUUID();
  if (!/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(userId)) {
    throw new ConfigError(`--user must be a UUID (got "${userId}")`);
  }
  const hours = Number(values.hours);
  if (!Number.isFinite(hours) || hours <= 0 || hours > 24 * 365) {
    throw new ConfigError('--hours must be a number of hours from 0 to 8760');
  }
  const token = await mintToken({
    userId,
    secret: config.jwtSecret,
    audience: config.jwtAudience,
    admin: values.admin,
    expiresInSeconds: Math.round(hours * 3600),
    ...(config.supabaseUrl ? { issuer: issuerOf(config.supabaseUrl) } : {}),
  });
  if (process.stdout.isTTY) {
    console.error(`user ${userId}${values.admin ? ' (admin)' : ''}, valid ${hours} h:`);
  }
  console.log(token);
} catch (error) {
  console.error(error instanceof ConfigError ? error.message : error);
  process.exit(1);
}
