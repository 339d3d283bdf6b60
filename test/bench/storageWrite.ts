/**
 * The storage half of the write path alone (issue 14): N records × 200 B
 * written as batches into three SqliteNodes in this process, each batch to
 * the nodes one after another (the same op objects, as the replicator hands
 * them), with wall and CPU time per record. `SRC` names another tree's
 * SqliteNode.ts to compare in one session (e.g. an earlier commit unpacked
 * with `git archive`); `SYNC=OFF` drops the fsyncs to see the CPU alone.
 *
 *   [N=20000] [B=100] [SRC=…/server/src/storage/SqliteNode.ts] node --conditions=@syncline/source --import tsx test/bench/storageWrite.ts
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { PutChange } from '@syncline/shared';
import { ChangeMaker } from '../helpers/changes.js';
import { makeRecord } from './lib/records.js';

type NodeModule = typeof import('../../server/src/storage/SqliteNode.js');
const { SqliteNode } = (await import(process.env.SRC ?? '../../server/src/storage/SqliteNode.js')) as NodeModule;
const dir = mkdtempSync(join(tmpdir(), 'syncline-storage-write-'));
const nodes = await Promise.all(['a', 'b', 'c'].map((n) => SqliteNode.open({ id: n, path: join(dir, `${n}.db`) })));
const sync = process.env.SYNC ?? 'FULL';
for (const n of nodes) {
  const db = (n as unknown as { db: { pragma(s: string): unknown } }).db;
  db.pragma(`synchronous = ${sync}`);
  // PRAGMA=…: extra pragmas to try (e.g. `cache_size = -65536`).
  if (process.env.PRAGMA) db.pragma(process.env.PRAGMA);
}
const total = Number(process.env.N ?? 20000);
const batch = Number(process.env.B ?? 100);
const maker = new ChangeMaker('w1');
const batches: PutChange[][] = [];
for (let i = 0; i < total; i += batch) {
  const b: PutChange[] = [];
  // Through JSON as over the wire: flat strings, plain objects.
  for (let j = i; j < i + batch; j++) {
    const { id, ...fields } = makeRecord(j, 200);
    b.push(JSON.parse(JSON.stringify(maker.put('bench', id, fields))) as PutChange);
  }
  batches.push(b);
}
const t0 = performance.now();
const c0 = process.cpuUsage();
for (const b of batches) for (const n of nodes) await n.applyBatch(b);
const ms = performance.now() - t0;
const cpu = process.cpuUsage(c0);
console.log(
  `${process.env.SRC ?? 'this tree'} sync=${sync}${process.env.PRAGMA ? ` ${process.env.PRAGMA}` : ''} batch=${batch}: ${((ms * 1000) / total).toFixed(1)} µs per record (3 nodes), CPU ${((cpu.user + cpu.system) / total).toFixed(1)} µs per record, ${((total / ms) * 1000).toFixed(0)} records/s`,
);
for (const n of nodes) await n.close();
rmSync(dir, { recursive: true });
