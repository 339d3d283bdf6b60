import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ChangeMaker } from '../helpers/changes.ts';
import { makeRecord } from './lib/records.ts';
// SRC: another tree's server/src/storage/SqliteNode.ts (A/B in one run).
const { SqliteNode } = (await import(process.env.SRC ?? '../../server/src/storage/SqliteNode.ts')) as typeof import('../../server/src/storage/SqliteNode.ts');
const dir = mkdtempSync(join(tmpdir(), 'micro-'));
const nodes = await Promise.all(['a','b','c'].map((n) => SqliteNode.open({ id: n, path: join(dir, n + '.db') })));
const sync = process.env.SYNC ?? 'FULL';
for (const n of nodes) (n as any).db.pragma(`synchronous = ${sync}`);
const total = Number(process.env.N ?? 20000), batch = Number(process.env.B ?? 100);
const maker = new ChangeMaker('w1');
const batches = [];
for (let i = 0; i < total; i += batch) {
  const b = [];
  for (let j = i; j < i + batch; j++) { const { id, ...fields } = makeRecord(j, 200); b.push(JSON.parse(JSON.stringify(maker.put("bench", id, fields)))); }
  batches.push(b);
}
const t0 = performance.now();
const c0 = process.cpuUsage();
for (const b of batches) for (const n of nodes) await n.applyBatch(b);
const ms = performance.now() - t0;
const cpu = process.cpuUsage(c0);
console.log(`${process.env.SRC ?? 'this tree'} sync=${sync} batch=${batch}: ${(ms * 1000 / total).toFixed(1)} µs per record (3 nodes), CPU ${((cpu.user + cpu.system) / total).toFixed(1)} µs per record, ${(total / ms * 1000).toFixed(0)} rec/s`);
for (const n of nodes) await n.close();
rmSync(dir, { recursive: true });
