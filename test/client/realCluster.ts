/**
 * Real `syncline-server` processes sharing one data folder (so the same
 * three SQLite node files) and Syncline clients over fake-indexeddb.
 */
import 'fake-indexeddb/auto';
import { afterEach } from 'vitest';
import { Dexie, type Table } from 'dexie';
import { createSyncline, type Syncline, type SynclineOptions } from '@syncline/client';
import Database from 'better-sqlite3';
import { canonicalJson } from '@syncline/shared';
import { spawnServer, tempDir, type SpawnedServer } from '../helpers/spawnServer.js';

export interface Item {
  id: string;
  space?: string;
  [field: string]: unknown;
}
export type ClientDb = Dexie & { items: Table<Item, string> };

export interface Client {
  name: string;
  db: ClientDb;
  sync: Syncline;
  close(): Promise<void>;
}

export async function startCluster(count = 2, args: string[] = ['--ack', 'sync']): Promise<{ servers: SpawnedServer[]; dataDir: string }> {
  const dataDir = tempDir('syncline-client-it-');
  const servers: SpawnedServer[] = [];
  // One at a time: they create the shared node files on first start.
  for (let i = 0; i < count; i++) servers.push(await spawnServer({ dataDir, args: [...args, '--server-id', `srv${i}`] }));
  return { servers, dataDir };
}

let n = 0;
/** Opens a client database (a fresh one, or `opts.name` to reopen one). */
export function openClient(servers: string[], opts: Partial<SynclineOptions> & { name?: string } = {}): Client {
  n += 1;
  const name = opts.name ?? `it-${process.pid}-${Date.now()}-${n}`;
  const db = new Dexie(name) as ClientDb;
  db.version(1).stores({ items: 'id' });
  const sync = createSyncline(db, {
    tables: ['items'],
    servers,
    defaultSpace: 'space-1',
    leaderElection: false,
    engine: { pollIntervalMs: 200, pullIntervalMs: 1000, backoff: { baseMs: 50, maxMs: 500 }, retryBaseMs: 50, requestTimeoutMs: 8000 },
    ...opts,
  });
  return {
    name,
    db,
    sync,
    async close() {
      await sync.close();
      db.close();
    },
  };
}

/** Op ids stored on one SQLite node file (each is UNIQUE there), and its record count. */
export function nodeContents(dataDir: string, node: 1 | 2 | 3): { opIds: string[]; records: number } {
  const db = new Database(`${dataDir}/node${node}.db`, { readonly: true, fileMustExist: true });
  try {
    const opIds = (db.prepare('SELECT op_id FROM ops').all() as { op_id: string }[]).map((r) => r.op_id);
    const { c } = db.prepare('SELECT COUNT(*) AS c FROM records').get() as { c: number };
    return { opIds, records: c };
  } finally {
    db.close();
  }
}

export { waitFor } from '../helpers/wait.js';

/** Canonical JSON of the items sorted by id, for comparing replicas. */
export async function snapshot(c: Client): Promise<string> {
  return canonicalJson((await c.db.items.toArray()).sort((a, b) => (a.id < b.id ? -1 : 1)));
}

/**
 * What a test started, closed after each test: clients first (so they stop
 * reconnecting), then the server processes, killed hard.
 */
export function useCleanup(): { servers: SpawnedServer[]; clients: Client[] } {
  const live = { servers: [] as SpawnedServer[], clients: [] as Client[] };
  afterEach(async () => {
    for (const c of live.clients.splice(0)) await c.close();
    await Promise.all(live.servers.splice(0).map((s) => s.kill('SIGKILL')));
  });
  return live;
}
