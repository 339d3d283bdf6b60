/**
 * Test wiring: a Dexie app database over fake-indexeddb with Syncline on a
 * MemoryNetwork. Each call gets a fresh database name.
 */
import 'fake-indexeddb/auto';
import { Dexie, type Table } from 'dexie';
import { createSyncline, type Syncline } from '../createSyncline.js';
import type { SynclineOptions } from '../SynclineOptions.js';
import { MemoryNetwork } from '../engine/MemoryTransport.js';
import { FakeServer } from './FakeServer.js';
import { FakeStore } from './FakeStore.js';

export interface Card {
  id: string;
  space?: string;
  title?: string;
  done?: boolean;
  [k: string]: unknown;
}

export type AppDb = Dexie & { cards: Table<Card, string>; notes: Table<Card, string>; local: Table<Card, string> };

let n = 0;
export function uniqueName(prefix = 'db'): string {
  n += 1;
  return `${prefix}-${process.pid}-${Date.now()}-${n}`;
}

export function openApp(name: string, opts: Partial<SynclineOptions> & { servers: string[] }): { db: AppDb; sync: Syncline } {
  const db = new Dexie(name) as AppDb;
  db.version(1).stores({ cards: 'id, title', notes: 'id', local: 'id' });
  const sync = createSyncline(db, {
    tables: ['cards', 'notes'],
    defaultSpace: 's1',
    leaderElection: false,
    engine: { pollIntervalMs: 100, backoff: { baseMs: 10, maxMs: 100 }, retryBaseMs: 10, requestTimeoutMs: 2000 },
    ...opts,
  });
  return { db, sync };
}

/** A network with `count` fake servers sharing one store. */
export function fakeCluster(count = 2): { network: MemoryNetwork; store: FakeStore; servers: FakeServer[]; urls: string[] } {
  const network = new MemoryNetwork();
  const store = new FakeStore('store');
  const peers: FakeServer[] = [];
  const urls: string[] = [];
  for (let i = 0; i < count; i++) {
    const url = `mem://server-${i}`;
    network.listen(url, new FakeServer(`server-${i}`, store, peers));
    urls.push(url);
  }
  return { network, store, servers: peers, urls };
}

export async function waitFor(check: () => boolean | Promise<boolean>, timeoutMs = 5000, what = 'condition'): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}
