/**
 * Page: the client's ack apply alone (no server, no socket) — `n` writes
 * queued, then `applyPushResults` run on them in outbox order in batches
 * of 500, each answered `ok` — so its IndexedDB cost is measured without the
 * connect and server noise of test/bench/catchUp.ts (driver: ackApply.ts).
 */
import Dexie from 'dexie';
import { createSyncline } from '@syncline/client';
import { applyPushResults } from '../../../client/src/engine/applyPushResults.js';
import type { OutboxRow } from '../../../client/src/db/rows.js';
import { makeRecord } from '../lib/records.js';

async function ackApply(n: number, bodyBytes: number, batch: number): Promise<{ writeMs: number; applyMs: number[] }> {
  const name = `ack-${Date.now()}-${Math.random().toString(36).slice(2, 8)}`;
  const db = new Dexie(name);
  db.version(1).stores({ items: 'id' });
  const sync = createSyncline(db, {
    tables: ['items'],
    servers: ['http://127.0.0.1:9'],
    defaultSpace: 'bench',
    leaderElection: false,
    worker: false,
    startEngine: () => ({ stop: async () => {}, kick() {}, addSpaces: async () => {}, onStatus() {} }),
  });
  await db.open();
  const t0 = performance.now();
  for (let i = 0; i < n; i += 500) {
    const rows = [];
    for (let j = i; j < Math.min(n, i + 500); j++) rows.push(makeRecord(j, bodyBytes, 'a-'));
    await db.table('items').bulkPut(rows);
  }
  const writeMs = performance.now() - t0;
  const applyMs: number[] = [];
  const outbox = db.table<OutboxRow, number>('_outbox');
  for (;;) {
    const rows = await outbox.limit(batch).toArray();
    if (rows.length === 0) break;
    const t = performance.now();
    await applyPushResults(
      db,
      rows,
      rows.map((r) => ({ opId: r.opId, status: 'ok' as const })),
    );
    applyMs.push(performance.now() - t);
  }
  await sync.close();
  db.close();
  await Dexie.delete(name);
  return { writeMs, applyMs };
}

Object.assign(globalThis, { ackApply });
document.title = 'ready';
