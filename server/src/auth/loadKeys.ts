/** Turns AuthOptions' key source into what `jwtVerify` takes. */
import { readFileSync } from 'node:fs';
import { createLocalJWKSet, createRemoteJWKSet, type JSONWebKeySet, type JWTVerifyGetKey } from 'jose';
import type { AuthOptions } from './AuthOptions.js';

export type VerifyKey = Uint8Array | JWTVerifyGetKey;

export function loadKeys(opts: AuthOptions): { key: VerifyKey; algorithms: string[] | undefined } {
  if ((opts.secret === undefined) === (opts.jwks === undefined)) {
    throw new TypeError('auth: give exactly one of `secret` (HS256) or `jwks`');
  }
  if (opts.secret !== undefined) {
    const key = new TextEncoder().encode(opts.secret);
    // RFC 7518 §3.2: an HS256 key must be at least as long as the hash output.
    if (key.byteLength < 32) throw new TypeError('auth: the HS256 secret must be at least 32 bytes');
    // Pinned: a token cannot pick another algorithm (alg confusion, "none").
    return { key, algorithms: ['HS256'] };
  }
  const jwks = opts.jwks!;
  if (jwks instanceof URL || /^https?:\/\//i.test(String(jwks))) {
    return { key: createRemoteJWKSet(new URL(String(jwks))), algorithms: undefined };
  }
  const set: JSONWebKeySet = typeof jwks === 'string' ? (JSON.parse(readFileSync(jwks, 'utf8')) as JSONWebKeySet) : jwks;
  return { key: createLocalJWKSet(set), algorithms: undefined };
}
