/**
 * @syncline/server — the Syncline server, replicator and storage nodes.
 *
 * ```ts
 * import { createSynclineServer } from '@syncline/server';
 * const server = createSynclineServer({ nodes: 'sqlite:data/n1.db,sqlite:data/n2.db,sqlite:data/n3.db', ack: 'semi-sync', port: 0 });
 * const { url } = await server.listen();
 * process.on('SIGTERM', () => void server.drain().then(() => process.exit(0)));
 * ```
 *
 * On an HTTP server (or Express app) you already run:
 *
 * ```ts
 * const http = createServer(app);
 * const syncline = createSynclineServer({ nodes: 'sqlite:data/n1.db', httpServer: http });
 * app.use(syncline.app);           // /healthz, /readyz, /status, /records, /admin
 * await syncline.start();
 * http.listen(3000);
 * ```
 *
 * Building blocks (your own node set or replicator): `createNode`,
 * `parseNodeSpecs`, the node classes, `Replicator`.
 */
export { createSynclineServer, type SynclineServer } from './SynclineServer.js';
export type { SynclineServerOptions, AdapterOption, Limits } from './options.js';
export type { Extension, ConnectionContext, SpaceAction } from './Extension.js';
export { TokenVerifier, authOf, type AuthOptions, type AuthInfo } from './auth/index.js';
export type { ReplicatorApi, NodeHealth, ReplicatorOptions } from './replication/types.js';
export type { StorageNode } from './storage/StorageNode.js';
export { tableSchemas } from './write/tableSchemas.js';
export { Replicator } from './replication/Replicator.js';
export type { ReplicatedListener, ReplicatorStats } from './replication/types.js';
export { MemoryNode } from './storage/MemoryNode.js';
export { SqliteNode, type SqliteNodeOptions } from './storage/SqliteNode.js';
export { SqliteWorkerNode } from './storage/SqliteWorkerNode.js';
export { PostgresNode, type PostgresNodeOptions } from './storage/PostgresNode.js';
export { OpenOnPingNode } from './storage/OpenOnPingNode.js';
export { createNode, parseNodeSpec, parseNodeSpecs, NodeSpecError, type NodeSpec } from './storage/createNode.js';
export type { ApplyOutcome, OpLogPage, PullPage, StoredOp } from './storage/StorageNode.js';
export { MissingDependencyError } from './optionalDependency.js';
