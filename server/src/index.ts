/**
 * @syncline/server — the Syncline server, replicator and storage nodes.
 *
 * ```ts
 * import { createSynclineServer } from '@syncline/server';
 * const server = createSynclineServer({ replicator, mode: 'semi-sync', port: 0 });
 * const { url } = await server.listen();
 * process.on('SIGTERM', () => void server.drain().then(() => process.exit(0)));
 * ```
 */
export { createSynclineServer, type SynclineServer } from './SynclineServer.js';
export type { SynclineServerOptions, AdapterOption, Limits } from './options.js';
export type { Extension, ConnectionContext, SpaceAction } from './Extension.js';
export { TokenVerifier, authOf, type AuthOptions, type AuthInfo } from './auth/index.js';
export type { ReplicatorApi, NodeHealth, ReplicatorOptions } from './replication/types.js';
export type { StorageNode } from './storage/StorageNode.js';
export { tableSchemas } from './write/tableSchemas.js';
