/**
 * Verifies a signed token (JWT, HS256 or a JWKS key) and answers a typed
 * UNAUTHORIZED for anything wrong with it: missing, malformed, bad
 * signature, wrong issuer/audience, expired, no `exp`, bad `spaces` claim.
 * The message says which, never echoing the token.
 */
import { errors, jwtVerify, type JWTPayload } from 'jose';
import { SyncError } from '@syncline/shared';
import type { AuthInfo, AuthOptions } from './AuthOptions.js';
import { loadKeys } from './loadKeys.js';
import { checkTokenTimes } from './tokenTimes.js';
import { isSpacesClaim } from './spaceRoles.js';

export class TokenVerifier {
  private readonly keys: ReturnType<typeof loadKeys>;

  constructor(readonly opts: AuthOptions) {
    this.keys = loadKeys(opts);
  }

  async verify(token: string | undefined): Promise<AuthInfo> {
    if (!token) throw new SyncError('UNAUTHORIZED', 'token required');
    let claims: JWTPayload;
    try {
      const out = await jwtVerify(token, this.keys.key as Parameters<typeof jwtVerify>[1], {
        algorithms: this.keys.algorithms,
        issuer: this.opts.issuer,
        audience: this.opts.audience,
        clockTolerance: this.opts.clockToleranceSec ?? 30,
        // A token without expiry could never be revoked by time.
        requiredClaims: ['exp'],
      });
      claims = out.payload;
    } catch (err) {
      throw new SyncError('UNAUTHORIZED', reason(err));
    }
    checkTokenTimes(claims, this.opts.clockToleranceSec ?? 30, this.opts.maxTokenLifetimeSec);
    if ((this.opts.roles ?? 'claim') === 'claim' && claims.spaces !== undefined && !isSpacesClaim(claims.spaces)) {
      throw new SyncError('UNAUTHORIZED', 'token claim `spaces` must map space names to "read", "write" or "service"');
    }
    return {
      sub: typeof claims.sub === 'string' ? claims.sub : undefined,
      claims,
      // With the same tolerance the token was accepted with, or a token accepted within it would be cut off at once.
      expiresAt: (claims.exp! + (this.opts.clockToleranceSec ?? 30)) * 1000,
      admin: claims.admin === true,
    };
  }
}

function reason(err: unknown): string {
  if (err instanceof errors.JWTExpired) return 'token expired';
  if (err instanceof errors.JWTClaimValidationFailed) return `token claim check failed: ${err.claim} ${err.reason}`;
  if (err instanceof errors.JWSSignatureVerificationFailed) return 'token signature invalid';
  if (err instanceof errors.JOSEAlgNotAllowed) return 'token algorithm not allowed';
  if (err instanceof errors.JWKSNoMatchingKey) return 'no key matches the token';
  if (err instanceof errors.JWKSTimeout || err instanceof errors.JWKSInvalid) return 'key set unavailable';
  if (!(err instanceof errors.JOSEError) && err instanceof Error && !(err instanceof TypeError)) return 'key set unavailable';
  return 'token invalid';
}
