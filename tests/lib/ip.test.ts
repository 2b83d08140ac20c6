import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import {
  countryCode,
  hashIp,
  lookupCountry,
  normalizeIp,
  requestCountry,
} from '../../src/lib/ip.js';

const SECRET = 'a-secret-of-at-least-32-characters-long!';

describe('IP addresses', () => {
  it('hashes with an HMAC, not a plain SHA-256', () => {
    const hash = hashIp('203.0.113.7', SECRET);
    expect(hash).toMatch(/^[0-9a-f]{64}$/);
    expect(hash).not.toBe(createHash('sha256').update('203.0.113.7').digest('hex'));
    expect(hashIp('203.0.113.7', `${SECRET}x`)).not.toBe(hash);
    expect(hashIp('203.0.113.8', SECRET)).not.toBe(hash);
  });

  it('treats an IPv4-mapped IPv6 address as the IPv4 address', () => {
    expect(normalizeIp('::ffff:203.0.113.7')).toBe('203.0.113.7');
    expect(hashIp('::FFFF:203.0.113.7', SECRET)).toBe(hashIp('203.0.113.7', SECRET));
    expect(normalizeIp('2001:DB8::1')).toBe('2001:db8::1');
  });

  it('finds countries offline, for IPv4 and IPv6', () => {
    expect(lookupCountry('8.8.8.8')).toBe('US');
    expect(lookupCountry('::ffff:8.8.8.8')).toBe('US');
    expect(lookupCountry('2001:4860:4860::8888')).toBe('US');
  });

  it('answers null for private, local and malformed addresses', () => {
    for (const ip of [
      '127.0.0.1',
      '10.1.2.3',
      '192.168.0.1',
      '::1',
      '',
      'not an ip',
      '999.1.1.1',
    ]) {
      expect(lookupCountry(ip)).toBeNull();
    }
  });

  it('accepts only two-letter country codes', () => {
    expect(countryCode('us')).toBe('US');
    expect(countryCode(' GB ')).toBe('GB');
    for (const bad of ['XX', 'T1', 'USA', '', undefined, null, '<b>']) {
      expect(countryCode(bad)).toBeNull();
    }
  });

  it('reads platform headers only behind a trusted proxy', () => {
    const headers = { 'x-vercel-ip-country': 'FR', 'cf-ipcountry': 'DE' };
    expect(requestCountry('8.8.8.8', headers, true)).toBe('FR');
    expect(requestCountry('8.8.8.8', { 'cf-ipcountry': 'DE' }, true)).toBe('DE');
    expect(requestCountry('8.8.8.8', headers, false)).toBe('US');
    expect(requestCountry('8.8.8.8', { 'cf-ipcountry': 'XX' }, true)).toBe('US');
    expect(requestCountry('10.0.0.1', { 'x-vercel-ip-country': ['JP', 'CN'] }, true)).toBe('JP');
  });
});
