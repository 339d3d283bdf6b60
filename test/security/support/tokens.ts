/** Signed test tokens: HS256 with a shared secret, RS256 with a JWKS. */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { SignJWT, exportJWK, generateKeyPair, type JWTPayload, type CryptoKey } from 'jose';

export const SECRET = 'test-secret-0123456789-abcdefghijklmnop';
export const ISSUER = 'https://id.syncline.test';
export const AUDIENCE = 'syncline';

export interface TokenClaims extends JWTPayload {
  spaces?: Record<string, 'read' | 'write'> | unknown;
  admin?: boolean;
}

/** `ttlSec` from now (negative: already expired); `exp: false` leaves it out. */
export async function hsToken(
  claims: TokenClaims,
  opts: { ttlSec?: number; secret?: string; iss?: string; aud?: string; exp?: boolean } = {},
): Promise<string> {
  const jwt = new SignJWT(claims)
    .setProtectedHeader({ alg: 'HS256' })
    .setIssuedAt()
    .setIssuer(opts.iss ?? ISSUER)
    .setAudience(opts.aud ?? AUDIENCE);
  if (opts.exp !== false) jwt.setExpirationTime(Math.floor(Date.now() / 1000) + (opts.ttlSec ?? 600));
  return jwt.sign(new TextEncoder().encode(opts.secret ?? SECRET));
}

/** `alg: none` — must never be accepted. */
export function unsignedToken(claims: TokenClaims): string {
  const b64 = (o: object) => Buffer.from(JSON.stringify(o)).toString('base64url');
  return `${b64({ alg: 'none', typ: 'JWT' })}.${b64({ ...claims, iss: ISSUER, aud: AUDIENCE, exp: Math.floor(Date.now() / 1000) + 600 })}.`;
}

export interface RsaIssuer {
  jwks: { keys: object[] };
  sign(claims: TokenClaims, ttlSec?: number): Promise<string>;
}

export async function rsaIssuer(kid = 'k1'): Promise<RsaIssuer> {
  const { publicKey, privateKey } = await generateKeyPair('RS256');
  const jwk = { ...(await exportJWK(publicKey)), kid, alg: 'RS256', use: 'sig' };
  return {
    jwks: { keys: [jwk] },
    sign: (claims, ttlSec = 600) =>
      new SignJWT(claims)
        .setProtectedHeader({ alg: 'RS256', kid })
        .setIssuer(ISSUER)
        .setAudience(AUDIENCE)
        .setExpirationTime(Math.floor(Date.now() / 1000) + ttlSec)
        .sign(privateKey as CryptoKey),
  };
}

export function writeJwksFile(dir: string, jwks: object): string {
  const path = join(dir, 'jwks.json');
  writeFileSync(path, JSON.stringify(jwks));
  return path;
}

/** Serves a JWKS over HTTP on loopback (the `--auth-jwks URL` case). */
export async function serveJwks(jwks: object): Promise<{ url: string; server: Server }> {
  const server = createServer((_req, res) => {
    res.setHeader('content-type', 'application/json');
    res.end(JSON.stringify(jwks));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/jwks.json`, server };
}
