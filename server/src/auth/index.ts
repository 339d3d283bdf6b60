/**
 * Token authentication and per-space authorization (docs/security.md).
 *
 * ```ts
 * createSynclineServer({ replicator, mode: 'sync', auth: { secret, issuer: 'https://id.example' } });
 * ```
 */
export type { AuthOptions, AuthInfo } from './AuthOptions.js';
export { TokenVerifier } from './TokenVerifier.js';
export { authExtension, authOf } from './authExtension.js';
export { roleOf, roleAllows, type Role } from './spaceRoles.js';
