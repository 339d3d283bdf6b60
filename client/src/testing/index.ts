/**
 * @syncline/client/testing — deterministic in-memory sync for tests.
 *
 * ```ts
 * const network = new MemoryNetwork();
 * network.listen('mem://a', new FakeServer('a', new FakeStore()));
 * createSyncline(db, { tables: ['cards'], servers: ['mem://a'], transport: network.transport, defaultSpace: 's' });
 * ```
 */
export { MemoryNetwork, MemoryTransport } from '../engine/MemoryTransport.js';
export { FakeServer, type Fault, type FakeConnection } from './FakeServer.js';
export { FakeStore } from './FakeStore.js';
