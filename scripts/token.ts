import { randomUUID } from 'node:crypto';
import { parseArgs } from 'node:util';
import { ConfigError, loadConfig, loadEnvFile } from '../src/config.js';
import { issuerOf, mintToken } from '../src/lib/tokens.js';

/**
 * npm run token -- [--user <uuid>] [--admin] [--hours <n> | --expired]
 * Prints an access token that the local server accepts: HS256, signed with the development
 * secret kept in the data folder (or SUPABASE_JWT_SECRET when it is set), shaped like a
 * Supabase token. For tokens of a real Supabase project, sign in through Supabase instead.
 */
const USAGE = `usage: npm run token -- [options]

Prints an access token the local API accepts (send it as "Authorization: Bearer <token>").

options:
  --user <uuid>   the user the token is for (default: a new random id)
  --admin         an admin's token (app_metadata.role = "admin")
  --hours <n>     how long it is valid, in hours, more than 0 and at most 8760 (default: 24)
  --expired       a token that expired an hour ago (to try the 401 on an expired token)
  -h, --help      this help

examples:
  TOKEN=$(npm run -s token -- --user 6f1c0a1e-0000-4000-8000-000000000001)
  npm run -s token -- --admin --hours 2`;

function fail(message: string): never {
  console.error(`${message}\n\n${USAGE}`);
  process.exit(1);
}

/** `--hours -1` is a (refused) number of hours, not an unknown option `-1`. */
function joinNegativeValues(args: string[]): string[] {
  const joined: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const next = args[i + 1];
    if (args[i] === '--hours' && next !== undefined && /^-[\d.]/.test(next)) {
      joined.push(`--hours=${next}`);
      i++;
    } else {
      joined.push(args[i] ?? '');
    }
  }
  return joined;
}

let values: { user?: string; admin: boolean; hours: string; expired: boolean; help: boolean };
try {
  ({ values } = parseArgs({
    args: joinNegativeValues(process.argv.slice(2)),
    options: {
      user: { type: 'string' },
      admin: { type: 'boolean', default: false },
      hours: { type: 'string', default: '24' },
      expired: { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h', default: false },
    },
    strict: true,
  }) as { values: typeof values });
} catch (error) {
  fail((error as Error).message.split('\n')[0] ?? 'the options could not be read');
}

if (values.help) {
  console.log(USAGE);
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
    throw new ConfigError(
      `--hours must be a number of hours, more than 0 and at most 8760 (got "${values.hours}")`,
    );
  }
  const token = await mintToken({
    userId,
    secret: config.jwtSecret,
    audience: config.jwtAudience,
    admin: values.admin,
    // an expired token was valid for an hour, until an hour ago
    ...(values.expired
      ? { expiresInSeconds: -3600 }
      : { expiresInSeconds: Math.round(hours * 3600) }),
    ...(config.supabaseUrl ? { issuer: issuerOf(config.supabaseUrl) } : {}),
  });
  if (process.stdout.isTTY) {
    const validity = values.expired ? 'expired an hour ago' : `valid ${hours} h`;
    console.error(`user ${userId}${values.admin ? ' (admin)' : ''}, ${validity}:`);
  }
  console.log(token);
} catch (error) {
  if (error instanceof ConfigError) fail(error.message);
  console.error(error);
  process.exit(1);
}
