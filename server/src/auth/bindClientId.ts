/**
 * Refuses a socket connection whose client id is not bound to its token
 * (shared/src/clientIdentity.ts): with a `sub`, the id must be
 * `<subjectTag(sub)>-<device>`; a token without `sub` (a service token) may
 * not take the bound form at all, so it can never occupy a subject's
 * namespace. Without authentication there is no identity to bind to.
 */
import { SyncError, isBoundTo, looksBound, subjectTag } from '@syncline/shared';
import type { ConnectionContext } from '../Extension.js';
import type { AuthInfo } from './AuthOptions.js';

export function checkClientBinding(conn: ConnectionContext): void {
  const auth = conn.data.auth as AuthInfo | undefined;
  if (!auth) return;
  if (auth.sub !== undefined) {
    if (isBoundTo(conn.clientId, auth.sub)) return;
    throw new SyncError('IDENTITY_MISMATCH', 'clientId is not bound to the token subject: use <subjectTag>-<device>', {
      expectedPrefix: `${subjectTag(auth.sub)}-`,
    });
  }
  if (looksBound(conn.clientId)) throw new SyncError('IDENTITY_MISMATCH', 'a token without `sub` cannot use a subject-bound clientId');
}
