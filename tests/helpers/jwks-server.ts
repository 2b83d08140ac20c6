import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { type CryptoKey, exportJWK, generateKeyPair, type JWK, SignJWT } from 'jose';

/**
 * A stand-in for a Supabase project's auth server: serves a JWKS at
 * /auth/v1/.well-known/jwks.json and signs tokens with its private keys, as Supabase does.
 */
export interface JwksServer {
  url: string;
  issuer: string;
  /** How many times the JWKS was fetched. */
  fetches(): number;
  sign(
    claims: Record<string, unknown>,
    options: { kid: string; alg?: 'ES256' | 'RS256' },
  ): Promise<string>;
  /** Adds a key to the served set (key rotation). */
  addKey(kid: string, alg: 'ES256' | 'RS256'): Promise<void>;
  publicJwk(kid: string): JWK;
  close(): Promise<void>;
}

export async function startJwksServer(): Promise<JwksServer> {
  const keys = new Map<string, { alg: 'ES256' | 'RS256'; privateKey: CryptoKey; jwk: JWK }>();
  const served = new Set<string>();
  let fetches = 0;
  const server: Server = createServer((req, res) => {
    if (req.url === '/auth/v1/.well-known/jwks.json') {
      fetches++;
      res.setHeader('content-type', 'application/json');
      res.end(JSON.stringify({ keys: [...served].map((kid) => keys.get(kid)!.jwk) }));
      return;
    }
    res.statusCode = 404;
    res.end();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  async function makeKey(kid: string, alg: 'ES256' | 'RS256') {
    const { privateKey, publicKey } = await generateKeyPair(alg, { extractable: true });
    const jwk = { ...(await exportJWK(publicKey)), kid, alg, use: 'sig' };
    keys.set(kid, { alg, privateKey, jwk });
  }

  return {
    url,
    issuer: `${url}/auth/v1`,
    fetches: () => fetches,
    async sign(claims, { kid, alg }) {
      if (!keys.has(kid)) await makeKey(kid, alg ?? 'ES256');
      const key = keys.get(kid)!;
      return new SignJWT(claims)
        .setProtectedHeader({ alg: key.alg, kid, typ: 'JWT' })
        .sign(key.privateKey);
    },
    async addKey(kid, alg) {
      if (!keys.has(kid)) await makeKey(kid, alg);
      served.add(kid);
    },
    publicJwk: (kid) => keys.get(kid)!.jwk,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
