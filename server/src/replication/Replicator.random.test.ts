/**
 * Seeded chaos: random writes in random modes while random nodes go down,
 * fail batches, slow down or go into maintenance; then heal and repair. Every
 * ack is checked when given (G0) and every acked op must be on every node at
 * the end, with equal digests (G4). Reproduce a failure with SYNCLINE_SEED=<seed>.
 */
import { afterEach, expect, it } from 'vitest';
import type { AckMode, OpResult } from '@syncline/shared';
import { Replicator } from './Replicator.js';
import { makeOps, sqliteCluster, type SqliteCluster } from '../testing/sqliteCluster.js';
import { seededRandom as mulberry32 } from '@syncline/shared';

const baseSeed = Number(process.env.SYNCLINE_SEED ?? Date.now() % 1_000_000);
let cluster: SqliteCluster | undefined;
let rep: Replicator | undefined;

afterEach(async () => {
  await rep?.close();
  await cluster?.cleanup();
});

for (const offset of [0, 1, 2]) {
  const seed = baseSeed + offset;
  it(`converges with every acked op on every node (seed ${seed})`, async () => {
    console.log(`Replicator.random seed=${seed} (rerun with SYNCLINE_SEED=${seed})`);
    const rnd = mulberry32(seed);
    const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rnd() * xs.length)]!;
    cluster = await sqliteCluster(3);
    const nodes = cluster.nodes;
    const r = (rep = new Replicator(nodes, {
      mode: 'semi-sync',
      healthIntervalMs: 30,
      writeTimeoutMs: 1500,
      fallback: rnd() < 0.3 ? 'degrade' : 'reject',
    }));
    await r.ready();
    const acked = new Set<string>();
    const unsure = new Map<string, ReturnType<typeof makeOps>[number]>();
    let counter = 0;

    const checkAck = async (mode: AckMode, ops: ReturnType<typeof makeOps>, res: OpResult[]) => {
      expect(res.map((x) => x.opId)).toEqual(ops.map((o) => o.opId));
      for (const [i, x] of res.entries()) {
        if (x.status === 'ok') acked.add(x.opId);
        if (x.status === 'indeterminate') unsure.set(x.opId, ops[i]!);
        if (x.status !== 'ok' || x.degraded) continue;
        const holding = (await Promise.all(nodes.map((n) => n.inner.hasOps([x.opId])))).filter((s) => s.size === 1).length;
        const need = mode === 'sync' ? 3 : mode === 'semi-sync' ? 2 : 1;
        expect(holding, `${mode} ack of ${x.opId} held by ${holding} nodes`).toBeGreaterThanOrEqual(need);
      }
    };

    for (let step = 0; step < 70; step++) {
      const roll = rnd();
      const node = pick(nodes);
      if (roll < 0.6) {
        const writes = Array.from({ length: 1 + Math.floor(rnd() * 3) }, () => {
          const mode = pick(['sync', 'semi-sync', 'async'] as const);
          const ops = makeOps(`c${Math.floor(rnd() * 3)}`, ++counter * 10, 1 + Math.floor(rnd() * 4), pick(['s1', 's2']));
          return r.write(ops, mode).then((res) => checkAck(mode, ops, res));
        });
        await Promise.all(writes);
      } else if (roll < 0.7) node.down();
      else if (roll < 0.82) node.up();
      else if (roll < 0.88) node.failNextBatch();
      else if (roll < 0.92) node.slow(node.isUp ? Math.floor(rnd() * 15) : 0);
      else if (roll < 0.96) r.setMaintenance(node.id, rnd() < 0.5);
      else await r.healthCheck();
    }

    for (const n of nodes) n.heal();
    for (const n of nodes) r.setMaintenance(n.id, false);
    // Indeterminate ops are retried with the same op ids, as a client would.
    if (unsure.size > 0) {
      await r.repair();
      const retry = await r.write([...unsure.values()], 'sync');
      expect(retry.every((x) => x.status === 'ok')).toBe(true);
      for (const id of unsure.keys()) acked.add(id);
    }
    await r.repair();

    const digests = await r.digests();
    expect(Object.keys(digests)).toHaveLength(3);
    expect(new Set(Object.values(digests)).size, JSON.stringify(digests)).toBe(1);
    const ids = [...acked];
    for (const n of nodes) expect((await n.inner.hasOps(ids)).size).toBe(ids.length);
    expect(r.stats().awaitingReplication, 'every acked op was reported replicated').toBe(0);
    const counts = await Promise.all(nodes.map((n) => n.inner.opCount()));
    expect(new Set(counts).size).toBe(1);
    console.log(`seed=${seed} acked=${ids.length} retried=${unsure.size} stats=${JSON.stringify(r.stats())}`);
  });
}
