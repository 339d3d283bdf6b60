/**
 * Token authentication settings (docs/security.md). Give exactly one key
 * source: `secret` (HS256 shared secret) or `jwks` (a JWKS URL, a path to a
 * JWKS file, or a JWKS object).
 */
import type { JSONWebKeySet, JWTPayload } from 'jose';
import type { SpaceAction } from '../Extension.js';

export interface AuthOptions {
  /** HS256 shared secret (at least 32 bytes). */
  secret?: string;
  /** `https://…/jwks.json` (fetched and cached), a file path, or a key set object. */
  jwks?: string | URL | JSONWebKeySet;
  /** Required `iss` claim (one of these). */
  issuer?: string | string[];
  /** Required `aud` claim (one of these). */
  audience?: string | string[];
  /** Tolerated clock difference with the token issuer for `exp`/`nbf`/`iat` (default 30 s). */
  clockToleranceSec?: number;
  /**
   * Longest accepted token lifetime: `exp` minus `iat` (or minus now, without
   * `iat`), in seconds. Default none when embedding; the CLI defaults to 86 400.
   */
  maxTokenLifetimeSec?: number;
  /**
   * Where space roles come from. Default: the token's `spaces` claim
   * (`{ "team-1": "write", "*": "read" }`). A function decides from the
   * app's own rules instead (it may be async, e.g. a database lookup).
   */
  roles?: 'claim' | ((args: { claims: JWTPayload; space: string; action: SpaceAction }) => boolean | Promise<boolean>);
}

/** What a verified token put into `ConnectionContext.data.auth`. */
export interface AuthInfo {
  sub: string | undefined;
  claims: JWTPayload;
  /** When the connection ends: the token's `exp` plus the clock tolerance, ms since epoch. */
  expiresAt: number;
  /** `admin: true` claim: may call /admin/* and /status?digests. */
  admin: boolean;
}
