/**
 * @syncline/client — offline-first sync for Dexie.
 *
 * ```ts
 * import Dexie from 'dexie';
 * import { createSyncline } from '@syncline/client';
 *
 * const db = new Dexie('board');
 * db.version(1).stores({ cards: 'id, list', lists: 'id' });
 * const sync = createSyncline(db, {
 *   tables: ['cards', 'lists'],
 *   servers: ['https://a.example', 'https://b.example'],
 *   defaultSpace: 'team-1',
 * });
 * await db.cards.put({ id: 'c1', list: 'l1', title: 'Hi' }); // recorded in _outbox, same transaction
 * sync.subscribe((s) => console.log(s.state, s.pendingCount));
 * await sync.flush({ until: 'accepted' });
 * ```
 */
export { createSyncline, type Syncline } from './createSyncline.js';
export { SyncError, isTransportCode, type ErrorCode, type WireError, type AckMode } from '@syncline/shared';
export { REMOTE_ORIGIN, type SynclineDoc } from './docs/SynclineDoc.js';
export type { DocUpdateRow } from './docs/docRows.js';
export type { SynclineOptions, EngineTuning } from './SynclineOptions.js';
export type { SynclineLogger } from './logger.js';
export type { SyncStatus, ConnectionState, EngineStatus } from './status/SyncStatus.js';
export type { FlushOptions } from './flush.js';
export type { WriteHandle, WriteOptions } from './outcomes/write.js';
export type { WriteOutcome } from './outcomes/readOutcome.js';
export type { OutboxRow, RejectedRow, StateRow, KeepUntil, OutcomeRow } from './db/rows.js';
export { synclineStores, OUTBOX, STATE, PAGES, META, REJECTED, DOCS, OUTCOMES } from './db/internalStores.js';
export { createOutboxMiddleware } from './middleware/createOutboxMiddleware.js';
export { markFromServer, type WriteAck } from './middleware/transactionFlags.js';
export { SyncEngine } from './engine/SyncEngine.js';
export type { EngineOptions } from './engine/EngineOptions.js';
export type { EngineApi } from './engine/EngineApi.js';
export type { Transport, TransportFactory, SessionEvent, SessionEvent as ServerEvent } from './engine/Transport.js';
export { SocketIoTransport } from './engine/SocketIoTransport.js';
export { backoffDelay, type BackoffOptions } from './engine/backoff.js';
export { electLeader, type LeaderOptions } from './leader/electLeader.js';
