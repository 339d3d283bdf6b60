/**
 * The Dexie addon. Adds the internal tables, installs the outbox
 * middleware, and once the database is open elects this tab (or not) to run
 * the sync engine — in this thread or in a Worker.
 */
import { liveQuery, type Dexie } from 'dexie';
import type { AckMode, WireError } from '@syncline/shared';
import { addInternalStores } from './db/internalStores.js';
import type { EngineApi } from './engine/EngineApi.js';
import { SocketIoTransport } from './engine/SocketIoTransport.js';
import { startLocalEngine } from './engine/startLocalEngine.js';
import { flush, type FlushOptions } from './flush.js';
import { electLeader, type Election } from './leader/electLeader.js';
import { TabChannel } from './leader/TabChannel.js';
import { createOutboxMiddleware } from './middleware/createOutboxMiddleware.js';
import type { WriteAck } from './middleware/transactionFlags.js';
import { ObservableValue } from './status/Observable.js';
import { readOutboxStats, type OutboxStats } from './status/readOutboxStats.js';
import { initialStatus, type EngineStatus, type SyncStatus } from './status/SyncStatus.js';
import type { SynclineOptions } from './SynclineOptions.js';
import { addSpaces, listRejected, discardRejected } from './spaces.js';
import type { RejectedRow } from './db/rows.js';
import { withAck } from './withAck.js';
import { write, type WriteHandle, type WriteOptions } from './outcomes/write.js';
import { openDoc } from './docs/openDoc.js';
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
  const channel = new TabChannel(db.name);
  const spaceOf =
    options.spaceOf ??
    ((_t: string, obj: Record<string, unknown>) => {
      const s = typeof obj.space === 'string' ? obj.space : options.defaultSpace;
      if (!s) throw new TypeError('Syncline: record has no space and no defaultSpace is configured');
      return s;
    });
  let engine: EngineApi | null = null;
  db.use(
    createOutboxMiddleware({
      tables: options.tables,
      spaceOf,
      ...(options.clientId ? { clientId: options.clientId } : {}),
      ...(options.ack ? { ack: options.ack } : {}),
      keepUntil: options.keepUntil ?? 'accepted',
      onCommitted: () => {
        engine?.kick();
        channel.post({ type: 'outbox' });
      },
    }),
  );

  let engineStatus: EngineStatus = { state: 'offline', server: null, serverId: null, lastPullAt: null, lastError: null };
  let stats: OutboxStats = { pendingCount: 0, awaitingReplicationCount: 0, oldestPendingAt: null, rejectedCount: 0, degradedAckCount: 0, cappedAckCount: 0 };
  let leader = false;
  let statsError: WireError | null = null;
  const compose = (): SyncStatus => ({
    ...initialStatus(),
    ...engineStatus,
    lastError: statsError ?? engineStatus.lastError,
    pendingCount: stats.pendingCount,
    awaitingReplicationCount: stats.awaitingReplicationCount,
    rejectedCount: stats.rejectedCount,
    degradedAckCount: stats.degradedAckCount,
    cappedAckCount: stats.cappedAckCount,
    oldestPendingAgeMs: stats.oldestPendingAt === null ? null : Math.max(0, Date.now() - stats.oldestPendingAt),
    leader,
  });
  const status = new ObservableValue<SyncStatus>(initialStatus());
  const refresh = () => status.set(compose());

  const spaces = options.spaces ?? (options.defaultSpace ? [options.defaultSpace] : []);
  const docSpaces = new Set(spaces);
  let election: Election | null = null;
  let closed = false;
  let statsSub: { unsubscribe(): void } | null = null;
  let starting: Promise<void> = Promise.resolve();

  const becomeLeader = async (isLeader: boolean) => {
    leader = isLeader;
    if (isLeader && !engine && !closed) {
      engine = await startEngine(db, options, spaces);
      engine.onStatus((s) => {
        engineStatus = s;
        channel.post({ type: 'status', status: s });
        refresh();
      });
    } else if (!isLeader && engine) {
      const e = engine;
      engine = null;
      await e.stop();
    }
    refresh();
  };

  channel.on((m) => {
    if (m.type === 'outbox') engine?.kick();
    else if (m.type === 'spaces') void engine?.addSpaces(m.spaces);
    else if (m.type === 'status' && !engine) {
      engineStatus = m.status;
      refresh();
    }
  });

  db.on('ready', () => {
    if (closed) return;
    statsSub = liveQuery(() => readOutboxStats(db)).subscribe({
      next: (s) => {
        stats = s;
        refresh();
      },
      // The counts stop updating: say so in the status (lastError) and the log, not silently.
      error: (err: unknown) => {
        statsError = { code: 'INTERNAL', message: `reading the outbox counts failed: ${(err as Error)?.message ?? String(err)}`, retryable: false };
        logger.error('Syncline: the status query failed; pending counts are no longer updated', err);
        refresh();
      },
    });
    const onChange = (v: boolean) => {
      starting = starting.then(() => becomeLeader(v));
    };
    if (options.leaderElection === false) onChange(true);
    else election = electLeader(db.name, onChange, options.leaderElection ?? {});
  });

  // Sync starts when the database opens; open it soon in case the app only waits for sync.
  setTimeout(() => {
    // A failed open is the app's to see on its own db.open(); logged here too.
    if (!closed && !db.isOpen()) db.open().catch((err: unknown) => logger.warn('Syncline: opening the database failed', err));
  }, 0);

  return {
    getStatus: () => compose(),
    subscribe: (listener) => status.subscribe(listener),
    flush: async (opts) => {
      await flush(db, opts);
      // The status counts come from a liveQuery that may not have re-run yet: read them now,
      // so the status right after flush() resolves shows what flush waited for.
      stats = await readOutboxStats(db);
      refresh();
    },
    withAck: (mode, tables, fn) => withAck(db, mode, tables, fn),
    write: (fn, opts) => write(db, options.tables, fn, opts),
    addSpaces: async (list) => {
      await addSpaces(db, list);
      await engine?.addSpaces(list);
      channel.post({ type: 'spaces', spaces: list });
    },
    doc: (space, docId) => {
      if (!docSpaces.has(space)) {
        docSpaces.add(space);
        void addSpaces(db, [space])
          .then(() => engine?.addSpaces([space]))
          .then(() => channel.post({ type: 'spaces', spaces: [space] }))
          .catch((err: unknown) => logger.warn(`Syncline: subscribing to space ${space} for a document failed`, err));
      }
      return openDoc(db, space, docId, {
        ...(options.clientId ? { clientId: options.clientId } : {}),
        ...(options.ack ? { ack: options.ack } : {}),
        keep: options.keepUntil ?? 'accepted',
        logger,
        notify: () => {
          engine?.kick();
          channel.post({ type: 'outbox' });
        },
        pushNow: (change, ack) => engine?.pushNow?.(change, ack) ?? Promise.resolve(false),
      });
    },
    rejected: () => listRejected(db),
    discardRejected: (ids) => discardRejected(db, ids),
    close: async () => {
      closed = true;
      statsSub?.unsubscribe();
      election?.close();
      await starting;
      const e = engine;
      engine = null;
      await e?.stop();
      channel.close();
    },
  };
}

async function startEngine(db: Dexie, options: SynclineOptions, spaces: string[]): Promise<EngineApi> {
  if (options.startEngine) return options.startEngine(options.clientId ? { clientId: options.clientId } : {});
  if (options.worker) {
    // Loaded lazily so apps without a Worker never pull in Comlink.
    const { startWorkerEngine } = await import('./worker/startWorkerEngine.js');
    try {
      return await startWorkerEngine(options.worker(), db.name, options, spaces);
    } catch (err) {
      // No (module) Worker here: sync from this thread rather than not at all (docs/embedding.md).
      (options.logger ?? consoleLogger).warn('Syncline: the sync Worker did not start; running the engine in this thread', err);
    }
  }
  return startLocalEngine(db, {
    tables: options.tables,
    servers: options.servers,
    transport: options.transport ?? (() => new SocketIoTransport()),
    spaces,
    ...(options.clientId ? { clientId: options.clientId } : {}),
    ...(options.getToken ? { getToken: options.getToken } : {}),
    ...options.engine,
  });
}
