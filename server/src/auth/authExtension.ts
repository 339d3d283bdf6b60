/**
 * The authentication + per-space authorization extension. It runs first
 * (priority 10): `onAuthenticate` verifies `handshake.token` and stores
 * `AuthInfo` in `ctx.data.auth` and the expiry in `ctx.expiresAt` (the
 * server disconnects the socket with UNAUTHORIZED then); `onAuthorize`
 * checks the space role. Writer identity (client id bound to `sub`, op ids
 * and HLC nodes of the connection's own client id, checked per op) lives in
 * auth/bindClientId.ts and write/writerIdentity.ts.
 *
 * ```ts
 * const verifier = new TokenVerifier({ secret: process.env.SECRET! });
 * createSynclineServer({ replicator, mode: 'sync', auth: verifier });
 * ```
 */
import { SyncError } from '@syncline/shared';
import type { ConnectionContext, Extension } from '../Extension.js';
import type { AuthInfo } from './AuthOptions.js';
import { isSpacesClaim, roleAllows, roleOf } from './spaceRoles.js';
import type { TokenVerifier } from './TokenVerifier.js';

export function authOf(ctx: ConnectionContext): AuthInfo {
  const auth = ctx.data.auth as AuthInfo | undefined;
  if (!auth) throw new SyncError('UNAUTHORIZED', 'connection not authenticated');
  return auth;
}

export function authExtension(verifier: TokenVerifier): Extension {
  const roles = verifier.opts.roles ?? 'claim';
  return {
    name: 'syncline-auth',
    priority: 10,
    async onAuthenticate({ handshake, ctx }) {
      const auth = await verifier.verify(handshake.token);
      ctx.expiresAt = auth.expiresAt;
      return { auth };
    },
    async onAuthorize({ ctx, space, action }) {
      const { claims } = authOf(ctx);
      const allowed =
        roles === 'claim'
          ? isSpacesClaim(claims.spaces) && roleAllows(roleOf(claims.spaces, space), action)
          : await roles({ claims, space, action });
      if (!allowed) throw new SyncError('FORBIDDEN', `no ${action} role in space ${space.slice(0, 256)}`);
    },
  };
}
