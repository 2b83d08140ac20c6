import { type ErrorDetail, invalid, invalidMany } from '../../lib/errors.js';
import { cleanText } from '../../lib/text.js';
import { normalizeSymbol } from '../../lib/tickers.js';
import { MAX_INTERESTS } from './users.schemas.js';

/**
 * The rules of a profile's fields (docs/rules.md "Accounts"), beyond what the JSON schema
 * checks (characters and lengths): reserved names, trimmed lengths, real time zones and real
 * ticker symbols.
 */

/**
 * Names that would pass for the service or its staff, or clash with a path (/users/me), in
 * any case; anything starting with "pageshare" too.
 */
const RESERVED = new Set([
  'admin',
  'api',
  'me',
  'root',
  'support',
  'settings',
  'pageshare',
  'administrator',
  'moderator',
  'mod',
  'staff',
  'system',
  'help',
  'security',
  'official',
  'about',
  'login',
  'logout',
  'signup',
  'register',
  'auth',
  'user',
  'users',
  'null',
  'undefined',
  'anonymous',
  'everyone',
  'docs',
  'feed',
  'search',
  'explore',
  'home',
  'notifications',
  'bookmarks',
  'tickers',
  'trending',
  'posts',
  'media',
  'metrics',
  'www',
]);

function isReservedUsername(username: string): boolean {
  const lower = username.toLowerCase();
  return RESERVED.has(lower) || lower.startsWith('pageshare');
}

/** The schema checked characters and length; this refuses the reserved names. */
export function checkUsername(username: string): string {
  if (isReservedUsername(username)) throw invalid('username', 'is reserved; pick another');
  return username;
}

export function cleanDisplayName(value: string): string {
  return cleanText(value, 'display_name', { min: 1, max: 50 });
}

export function cleanBio(value: string): string {
  return cleanText(value, 'bio', { max: 160 });
}

const ZONE_NAME = /^[A-Za-z][A-Za-z0-9_+-]*(?:\/[A-Za-z0-9_+-]+)*$/;
// the usual spelling of each zone, to store `america/new_york` as `America/New_York`
const canonicalZones = new Map(
  [...Intl.supportedValuesOf('timeZone'), 'UTC'].map((zone) => [zone.toLowerCase(), zone]),
);

/**
 * An IANA zone name that the runtime's time zone database knows (which takes the current
 * names and their aliases, such as Asia/Kolkata and Asia/Calcutta). Offsets like +05:00 are
 * not zone names.
 */
export function checkTimezone(value: string): string {
  const name = value.trim();
  const refuse = () => invalid('timezone', 'is not an IANA time zone name (e.g. America/New_York)');
  if (!ZONE_NAME.test(name)) throw refuse();
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: name });
  } catch {
    throw refuse();
  }
  return canonicalZones.get(name.toLowerCase()) ?? name;
}

/** Ticker symbols, upper-cased and de-duplicated, in alphabetical order; 422 names each bad one. */
export function cleanInterests(values: string[]): string[] {
  const symbols = new Set<string>();
  const errors: ErrorDetail[] = [];
  values.forEach((value, index) => {
    const symbol = normalizeSymbol(value);
    if (symbol) symbols.add(symbol);
    else errors.push({ field: `interests[${index}]`, message: 'is not a ticker symbol' });
  });
  if (errors.length) throw invalidMany(errors);
  if (symbols.size > MAX_INTERESTS) {
    throw invalid('interests', `must hold at most ${MAX_INTERESTS} symbols`);
  }
  return [...symbols].sort();
}
