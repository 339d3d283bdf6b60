/**
 * Worker-thread SQLite nodes (the kind `sqlite:PATH` makes) and a node's
 * worker dying mid-write: writers keep pushing, the node is marked down, the
 * health round starts a fresh worker, repair catches it up, and every op
 * acknowledged `ok` is on every node, with the records an LWW model expects.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, expect, it, vi } from 'vitest';
import { materialize, type AckMode } from '@syncline/shared';
import { Replicator } from './Replicator.js';
import { SqliteWorkerNode } from '../storage/SqliteWorkerNode.js';
import { makeOps } from '../testing/sqliteCluster.js';
import type { PutChange } from '@syncline/shared';

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

async function cluster(mode: AckMode) {
  const dir = mkdtempSync(join(tmpdir(), 'syncline-wcrash-'));
  const nodes = await Promise.all([1, 2, 3].map((i) => SqliteWorkerNode.open({ id: `n${i}`, path: join(dir, `n${i}.db`) })));
  const rep = new Replicator(nodes, { mode, healthIntervalMs: 100, writeTimeoutMs: 10_000 });
  cleanups.push(async () => {
    await rep.close();
    for (const n of nodes) await n.close();
    rmSync(dir, { recursive: true, force: true });
  });
  await rep.ready();
  return { rep, nodes };
}

/** The visible records an LWW model gives for `ops` (puts with unique stamps): latest stamp per field. */
function model(ops: PutChange[]): Map<string, Record<string, unknown>> {
  const out = new Map<string, { v: Record<string, unknown>; t: Record<string, string> }>();
  for (const op of ops) {
    const rec = out.get(op.id) ?? { v: {}, t: {} };
    for (const [f, v] of Object.entries(op.fields))
      if (!(rec.t[f]! > op.hlc)) {
        rec.v[f] = v;
        rec.t[f] = op.hlc;
      }
    out.set(op.id, rec);
  }
  return new Map([...out].map(([id, r]) => [id, r.v]));
}

for (const mode of ['semi-sync', 'sync'] as const) {
  it(`${mode}: a node's worker killed mid-write loses no ok-acked op; the node is marked down and repaired`, async () => {
    // Mutation checked: SqliteWorkerNode.ping not restarting a dead worker leaves n2 down and the wait below fails.
    const { rep, nodes } = await cluster(mode);
    const victim = nodes[1]!;
    const acked: PutChange[] = [];
    const sent: PutChange[] = [];
    let written = 0;
    let killed = false;
    const writer = async (client: string) => {
      for (let i = 0; i < 40; i++) {
        const ops = makeOps(client, i * 10 + 1, 10, 's1', 25);
        sent.push(...ops);
        const res = await rep.write(ops);
        res.forEach((r, k) => r.status === 'ok' && acked.push(ops[k]!));
        written += ops.length;
        // Kill at a point measured in progress (not time), while the other writers' batches are in flight.
        if (!killed && written >= 600) {
          killed = true;
          await victim.killWorker();
        }
      }
    };
    await Promise.all(['c1', 'c2', 'c3', 'c4'].map(writer));
    expect(killed).toBe(true);
    expect(victim.workerExits).toBe(1);
    expect(acked.length).toBeGreaterThan(0);

    await vi.waitFor(() => expect(rep.health().find((h) => h.id === 'n2')).toMatchObject({ state: 'up', repairing: false }), {
      timeout: 30_000,
      interval: 100,
    });
    await rep.repair();
    for (const n of nodes) expect((await n.hasOps(acked.map((o) => o.opId))).size).toBe(acked.length);
    const digests = await rep.digests();
    expect(new Set(Object.values(digests)).size).toBe(1);

    // Every node holds what the model gives for the ops it applied (the acked ones and any others that landed).
    const applied = await nodes[0]!.hasOps(sent.map((o) => o.opId));
    const want = model(sent.filter((o) => applied.has(o.opId)));
    for (const n of nodes) {
      const page = await n.pull('s1', 0, 1000);
      expect(new Map(page.records.map((r) => [r.id, materialize(r.state)]))).toEqual(want);
    }
  });
}
