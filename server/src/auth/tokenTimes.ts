/**
 * Token time checks jose leaves to us: an `iat` in the future (beyond the
 * clock tolerance) is refused — a token cannot have been issued later than
 * now — and so is a token living longer than `maxTokenLifetimeSec` (a token
 * that expires in the year 3000 can never be revoked by time).
 */
import { SyncError } from '@syncline/shared';
import type { JWTPayload } from 'jose';

export function checkTokenTimes(
  claims: JWTPayload,
  toleranceSec: number,
  maxLifetimeSec: number | undefined,
  nowSec = Math.floor(Date.now() / 1000),
): void {
  if (claims.iat !== undefined && (typeof claims.iat !== 'number' || !Number.isFinite(claims.iat))) {
    throw new SyncError('UNAUTHORIZED', 'token claim check failed: iat is not a number');
  }
  if (typeof claims.iat === 'number' && claims.iat > nowSec + toleranceSec)
    throw new SyncError('UNAUTHORIZED', 'token claim check failed: iat in the future');
  if (maxLifetimeSec && maxLifetimeSec > 0) {
    const issued = typeof claims.iat === 'number' ? claims.iat : nowSec;
    if (claims.exp! - issued > maxLifetimeSec + toleranceSec) {
      throw new SyncError('UNAUTHORIZED', `token lifetime exceeds ${maxLifetimeSec} s (--max-token-lifetime-s)`, {
        maxTokenLifetimeSec: maxLifetimeSec,
      });
    }
  }
}
