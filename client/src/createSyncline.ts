/**
 * The Dexie addon. Adds the internal tables, installs the outbox
 * middleware, and once the database is open elects this tab (or not) to run
 * the sync engine — in this thread or in a Worker.
 *
 * Composition only: the status is StatusStore.ts, leadership, the engine and
 * the tab relay are SyncLeader.ts (engine choice: startEngine.ts), documents
 * docOpener.ts.
 */
import type { Dexie } from 'dexie';
import type { AckMode } from '@syncline/shared';
import { addInternalStores } from './db/internalStores.js';
import { flush, type FlushOptions } from './flush.js';
import { SyncLeader } from './leader/SyncLeader.js';
import { createOutboxMiddleware } from './middleware/createOutboxMiddleware.js';
import type { WriteAck } from './middleware/transactionFlags.js';
import { StatusStore } from './status/StatusStore.js';
import type { SyncStatus } from './status/SyncStatus.js';
import type { SynclineOptions } from './SynclineOptions.js';
import { addSpaces, listRejected, discardRejected } from './spaces.js';
import type { RejectedRow } from './db/rows.js';
import { withAck } from './withAck.js';
import { write, type WriteHandle, type WriteOptions } from './outcomes/write.js';
import { docOpener } from './docs/docOpener.js';
import type { SynclineDoc } from './docs/SynclineDoc.js';
import { consoleLogger } from './logger.js';

export interface Syncline {
  getStatus(): SyncStatus;
  /** Calls `listener` now and on every change. Returns an unsubscribe function. */
  subscribe(listener: (s: SyncStatus) => void): () => void;
  flush(opts?: FlushOptions): Promise<void>;
  withAck<T>(mode: WriteAck | AckMode, tables: string[], fn: () => T | Promise<T>): Promise<T>;
  /**
   * Runs `fn` in one read-write transaction (over the synced tables unless
   * `opts.tables`) and returns a handle that follows this write to its
   * outcome: `accepted` / `replicated` promises and `outcome()`
   * (docs/client.md "Following a write").
   */
  write<T>(fn: () => T | Promise<T>, opts?: WriteOptions): Promise<WriteHandle<T>>;
  /** Subscribes to more spaces (persisted; the leader pulls them). */
  addSpaces(spaces: string[]): Promise<void>;
  /** Writes the server refused for good. */
  rejected(): Promise<RejectedRow[]>;
  /** Forgets dead-lettered writes once the app has dealt with them. */
  discardRejected(opIds: string[]): Promise<void>;
  /**
   * Opens the Yjs document (space, docId), persisted in IndexedDB and synced
   * through the outbox (docs/documents.md). Subscribes to `space` if needed.
   */
  doc(space: string, docId: string): SynclineDoc;
  /** Stops syncing (and leading); the database stays open. */
  close(): Promise<void>;
}

export function createSyncline(db: Dexie, options: SynclineOptions): Syncline {
  const logger = options.logger ?? consoleLogger;
  addInternalStores(db);
  const spaces = options.spaces ?? (options.defaultSpace ? [options.defaultSpace] : []);
  const status = new StatusStore(db, logger);
  const leader = new SyncLeader(db, options, spaces, status);
  db.use(
    createOutboxMiddleware({
      tables: options.tables,
      spaceOf: options.spaceOf ?? defaultSpaceOf(options),
      ...(options.clientId ? { clientId: options.clientId } : {}),
      ...(options.ack ? { ack: options.ack } : {}),
      keepUntil: options.keepUntil ?? 'accepted',
      onCommitted: () => leader.outboxChanged(),
    }),
  );
  let closed = false;

  db.on('ready', () => {
    if (closed) return;
    status.watchOutbox();
    leader.start();
  });

  // Sync starts when the database opens; open it soon in case the app only waits for sync.
  setTimeout(() => {
    // A failed open is the app's to see on its own db.open(); logged here too.
    if (!closed && !db.isOpen()) db.open().catch((err: unknown) => logger.warn('Syncline: opening the database failed', err));
  }, 0);

  return {
    getStatus: () => status.get(),
    subscribe: (listener) => status.subscribe(listener),
    flush: async (opts) => {
      await flush(db, opts);
      // The status counts come from a liveQuery that may not have re-run yet: read them now,
      // so the status right after flush() resolves shows what flush waited for.
      await status.readOutboxNow();
    },
    withAck: (mode, tables, fn) => withAck(db, mode, tables, fn),
    write: (fn, opts) => write(db, options.tables, fn, opts),
    addSpaces: async (list) => {
      await addSpaces(db, list);
      await leader.spacesAdded(list);
    },
    doc: docOpener(db, options, logger, leader, spaces),
    rejected: () => listRejected(db),
    discardRejected: (ids) => discardRejected(db, ids),
    close: async () => {
      closed = true;
      status.close();
      await leader.close();
    },
  };
}

/** A record's space: its `space` field, else the configured default. */
function defaultSpaceOf(options: SynclineOptions) {
  return (_t: string, obj: Record<string, unknown>): string => {
    const s = typeof obj.space === 'string' ? obj.space : options.defaultSpace;
    if (!s) throw new TypeError('Syncline: record has no space and no defaultSpace is configured');
    return s;
  };
}
