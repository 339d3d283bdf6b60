/**
 * The engine as the Worker runs it: opens the app's database by name (Dexie
 * reads its schema, tables and internal tables alike, from IndexedDB) and
 * runs a SyncEngine over Socket.IO, or over `transport` in tests.
 */
import { Dexie } from 'dexie';
import type { EngineApi } from '../engine/EngineApi.js';
import { createOutboxCounters } from '../status/outboxCounters.js';
import { SocketIoTransport } from '../engine/SocketIoTransport.js';
import { startLocalEngine } from '../engine/startLocalEngine.js';
import type { TransportFactory } from '../engine/Transport.js';
import type { EngineStatus } from '../status/SyncStatus.js';
import type { WorkerApi, WorkerConfig } from './WorkerApi.js';

export function createWorkerApi(transport: TransportFactory = () => new SocketIoTransport()): WorkerApi {
  let engine: EngineApi | null = null;
  let db: Dexie | null = null;
  const listeners: ((s: EngineStatus) => void)[] = [];
  return {
    async start(config: WorkerConfig, getToken?: () => Promise<string | undefined>) {
      if (engine) return;
      db = new Dexie(config.dbName);
      // The engine's outbox writes keep the status counts the app's tabs read.
      db.use(createOutboxCounters());
      await db.open();
      engine = startLocalEngine(db, {
        tables: config.tables,
        servers: config.servers,
        spaces: config.spaces,
        transport,
        ...(config.clientId ? { clientId: config.clientId } : {}),
        ...(getToken ? { getToken: () => getToken() } : {}),
        ...config.engine,
      });
      for (const l of listeners) engine.onStatus(l);
    },
    async stop() {
      await engine?.stop();
      engine = null;
      db?.close();
      db = null;
    },
    kick() {
      engine?.kick();
    },
    pushNow(change, ack) {
      return engine?.pushNow?.(change, ack) ?? Promise.resolve(false);
    },
    async addSpaces(spaces: string[]) {
      await engine?.addSpaces(spaces);
    },
    onStatus(listener) {
      listeners.push(listener);
      engine?.onStatus(listener);
    },
  };
}
