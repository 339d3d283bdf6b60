/**
 * Starts the sync engine of the leading tab: the app's own (`startEngine`),
 * else in a Worker if one is configured and starts, else in this thread.
 */
import type { Dexie } from 'dexie';
import type { EngineApi } from './EngineApi.js';
import { SocketIoTransport } from './SocketIoTransport.js';
import { startLocalEngine } from './startLocalEngine.js';
import type { SynclineOptions } from '../SynclineOptions.js';
import { consoleLogger } from '../logger.js';

export async function startEngine(db: Dexie, options: SynclineOptions, spaces: string[]): Promise<EngineApi> {
  if (options.startEngine) return options.startEngine(options.clientId ? { clientId: options.clientId } : {});
  if (options.worker) {
    // Loaded lazily so apps without a Worker never pull in Comlink.
    const { startWorkerEngine } = await import('../worker/startWorkerEngine.js');
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
