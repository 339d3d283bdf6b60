/**
 * Page: the real @syncline/client (Dexie addon, engine in this thread, Socket.IO
 * transport) in Chromium — initial sync of a space, and offline catch-up.
 */
import Dexie from 'dexie';
import { createSyncline, type Syncline } from '@syncline/client';
import type { AckMode } from '@syncline/shared';
import { makeRecord } from '../lib/records.js';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function open(server: string, space: string, ack?: AckMode, inWorker = false): { db: Dexie; sync: Syncline } {
  const db = new Dexie(`syncline-bench-${space}-${Date.now()}`);
  db.version(1).stores({ items: 'id' });
  const sync = createSyncline(db, {
    tables: ['items'],
    servers: [server],
    defaultSpace: space,
    leaderElection: false,
    // The engine in a Worker: the bundle served at /worker.js (test/bench/initialSync.ts).
    worker: inWorker ? () => new Worker('/worker.js', { type: 'module' }) : false,
    ...(ack ? { ack } : {}),
    engine: { pullLimit: 1000, batchSize: 500, backoff: { baseMs: 20, maxMs: 100 } },
  });
  return { db, sync };
}

/**
 * Time until an empty client holds all `n` records of `space`. It polls for
 * the last record the seed wrote (`lastId`), then confirms with one count
 * (again while short): a count of the whole table every 10 ms (`wait:
 * 'count'`, the old way) competes with the sync being measured.
 */
async function runSync(
  server: string,
  space: string,
  n: number,
  inWorker = false,
  wait: 'get' | 'count' = 'get',
  lastId = `r${n - 1}`,
): Promise<number> {
  const t0 = performance.now();
  const { db, sync } = open(server, space, undefined, inWorker);
  await db.open();
  const items = db.table('items');
  if (wait === 'count') {
    while ((await items.count()) < n) await sleep(10);
  } else {
    for (;;) {
      while ((await items.get(lastId)) === undefined) await sleep(10);
      if ((await items.count()) >= n) break;
      await sleep(10);
    }
  }
  const ms = performance.now() - t0;
  await sync.close();
  db.close();
  return ms;
}

let pending: { db: Dexie; sync: Syncline } | null = null;

/** Writes `n` records while the server is down (they wait in the outbox). */
async function queueOffline(server: string, space: string, n: number, bodyBytes: number, ack: AckMode): Promise<number> {
  pending = open(server, space, ack);
  const table = pending.db.table('items');
  for (let i = 0; i < n; i += 500) {
    const rows = [];
    for (let j = i; j < Math.min(n, i + 500); j++) rows.push(makeRecord(j, bodyBytes, `${space}-`));
    await table.bulkPut(rows);
  }
  return pending.sync.getStatus().pendingCount;
}

/** Resolves with the wall-clock time (ms) when every queued write was accepted. */
async function waitAcked(): Promise<number> {
  await pending!.sync.flush({ until: 'accepted', timeoutMs: 600_000, pollMs: 100 });
  const at = Date.now();
  await pending!.sync.close();
  pending!.db.close();
  pending = null;
  return at;
}

Object.assign(globalThis, { runSync, queueOffline, waitAcked });
document.title = 'ready';
