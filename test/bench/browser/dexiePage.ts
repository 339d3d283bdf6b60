/** Page: Dexie's raw `bulkPut` of the benchmark records (the browser-side limit). */
import Dexie from 'dexie';
import { makeRecord, type BenchRecord } from '../lib/records.js';

async function runDexie(n: number, bodyBytes: number, chunk: number): Promise<number> {
  const db = new Dexie(`dexie-bench-${Date.now()}`);
  db.version(1).stores({ items: 'id' });
  await db.open();
  const records: BenchRecord[] = [];
  for (let i = 0; i < n; i++) records.push(makeRecord(i, bodyBytes));
  const t0 = performance.now();
  for (let i = 0; i < n; i += chunk) await db.table('items').bulkPut(records.slice(i, i + chunk));
  const ms = performance.now() - t0;
  const count = await db.table('items').count();
  db.close();
  if (count !== n) throw new Error(`dexie stored ${count} of ${n}`);
  return ms;
}

(globalThis as unknown as { runDexie: typeof runDexie }).runDexie = runDexie;
document.title = 'ready';
