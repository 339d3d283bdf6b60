/**
 * Anti-entropy cost in steady state (issue 14) and what it must still catch,
 * against real SQLite nodes: ops this server saw on every node are neither
 * looked up nor fetched again; ops that reached a node some other way, a
 * node that missed writes and a node restored from an old copy are repaired.
 */
import { copyFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, expect, it } from 'vitest';
import { Replicator, type ReplicatorConfig } from './Replicator.js';
import { makeOps, sqliteCluster, type SqliteCluster } from '../testing/sqliteCluster.js';
import type { SqliteNode } from '../storage/SqliteNode.js';

let cluster: SqliteCluster;
const reps: Replicator[] = [];

async function setup(opts: Partial<ReplicatorConfig> = {}) {
  cluster = await sqliteCluster(3);
  const rep = new Replicator(cluster.nodes, { mode: 'sync', healthIntervalMs: 60_000, writeTimeoutMs: 2000, ...opts });
  reps.push(rep);
  await rep.ready();
  return { rep, nodes: cluster.nodes };
}

afterEach(async () => {
  for (const r of reps.splice(0)) await r.close();
  await cluster?.cleanup();
});

const ids = (ops: { opId: string }[]) => ops.map((o) => o.opId);
const delta = (rep: Replicator, before: ReturnType<Replicator['stats']>) => {
  const s = rep.stats();
  return {
    scanned: s.repairScannedOps - before.repairScannedOps,
    checked: s.repairCheckedOps - before.repairCheckedOps,
    fetched: s.repairFetchedOps - before.repairFetchedOps,
    repaired: s.repairedOps - before.repairedOps,
  };
};
const converged = async (rep: Replicator) => expect(new Set(Object.values(await rep.digests())).size).toBe(1);

it('a steady-state pass reads op ids only: nothing looked up or fetched for ops seen on every node', async () => {
  const { rep } = await setup();
  for (let i = 0; i < 4; i++) expect((await rep.write(makeOps('c1', 1 + i * 300, 300))).every((r) => r.status === 'ok')).toBe(true);
  const before = rep.stats();
  await rep.repair();
  // 6 (target, source) pairs, each over the 1,200 new log entries once.
  expect(delta(rep, before)).toEqual({ scanned: 6 * 1200, checked: 0, fetched: 0, repaired: 0 });
  await converged(rep);
});

it('ops that reached one node some other way (another server) are looked up, fetched and copied', async () => {
  const { rep, nodes } = await setup();
  await rep.write(makeOps('c1', 1, 50));
  const other = makeOps('c2', 1, 20);
  await nodes[1]!.inner.applyBatch(other); // as another server's async write that only reached n2
  const before = rep.stats();
  await rep.repair();
  const d = delta(rep, before);
  expect(d.repaired).toBe(2 * 20);
  // Only the 20 unknown ops are looked up (on each pair that reads them), never the 50 seen everywhere.
  expect(d.checked).toBeGreaterThanOrEqual(2 * 20);
  expect(d.checked).toBeLessThanOrEqual(6 * 20);
  for (const n of nodes) expect((await n.inner.hasOps(ids(other))).size).toBe(20);
  await converged(rep);
});

it('a node that missed writes while down is repaired in full', async () => {
  const { rep, nodes } = await setup({ mode: 'semi-sync' });
  await rep.write(makeOps('c1', 1, 100));
  await rep.repair(); // the background writes to n3 land
  nodes[2]!.down();
  await rep.healthCheck();
  const during = makeOps('c1', 101, 700);
  expect((await rep.write(during)).every((r) => r.status === 'ok')).toBe(true);
  nodes[2]!.up();
  const before = rep.stats();
  await rep.repair();
  expect(delta(rep, before).repaired).toBe(700);
  expect((await nodes[2]!.inner.hasOps(ids(during))).size).toBe(700);
  await converged(rep);
});

it('a node restored from an older copy gets what it lost, though this server saw those ops on every node', async () => {
  const { rep, nodes } = await setup();
  await rep.write(makeOps('c1', 1, 30));
  await rep.repair(); // cursors stored on n3, at the heads of n1 and n2
  const n3 = nodes[2]!;
  const inner = n3.inner as SqliteNode;
  const backup = join(cluster.dir, 'n3-backup.db');
  new Database(inner.path).exec(`VACUUM INTO '${backup}'`);
  const later = makeOps('c1', 31, 40);
  expect((await rep.write(later)).every((r) => r.status === 'ok')).toBe(true); // on every node, and remembered so

  // The operator restores n3 from the copy: it is unreachable meanwhile.
  n3.down();
  await rep.healthCheck();
  await inner.close();
  for (const f of ['', '-wal', '-shm']) rmSync(inner.path + f, { force: true });
  copyFileSync(backup, inner.path);
  await inner.open();
  expect((await inner.hasOps(ids(later))).size).toBe(0);
  n3.up();

  await rep.repair();
  expect((await inner.hasOps(ids(later))).size).toBe(40);
  await converged(rep);
});
