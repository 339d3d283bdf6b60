/**
 * Wires the board's database to Syncline. The engine runs in a Web Worker,
 * started only in the tab that wins the leader election for this database,
 * so several open tabs share one connection.
 */
import { createSyncline, type Syncline } from '@syncline/client';
import type { BoardConfig } from './config.js';
import { SYNCED_TABLES, type BoardDb } from './db.js';

export function startSync(db: BoardDb, boardId: string, config: BoardConfig): Syncline {
  return createSyncline(db, {
    tables: SYNCED_TABLES,
    servers: config.servers,
    defaultSpace: boardId,
    worker: () => new Worker(new URL('./sync.worker.ts', import.meta.url), { type: 'module', name: 'syncline-sync' }),
    ...(config.engine ? { engine: config.engine } : {}),
  });
}
