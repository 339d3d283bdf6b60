/** Ack modes against real SQLite nodes with injected faults (DESIGN §3, G0/G2). */
import { afterEach, describe, expect, it } from 'vitest';
import { Replicator, type ReplicatorConfig } from './Replicator.js';
import { makeOps, sqliteCluster, type SqliteCluster } from '../testing/sqliteCluster.js';
import type { FaultyNode } from '../testing/FaultyNode.js';

let cluster: SqliteCluster;
let rep: Replicator;

async function setup(opts: Partial<ReplicatorConfig> & Pick<ReplicatorConfig, 'mode'>): Promise<FaultyNode[]> {
  cluster = await sqliteCluster(3);
  rep = new Replicator(cluster.nodes, { healthIntervalMs: 60_000, writeTimeoutMs: 2000, ...opts });
  await rep.ready();
  return cluster.nodes;
}

afterEach(async () => {
  await rep?.close();
  await cluster?.cleanup();
});

const ids = (ops: { opId: string }[]) => ops.map((o) => o.opId);
const holds = async (n: FaultyNode, opIds: string[]) => (await n.inner.hasOps(opIds)).size;

describe('sync', () => {
  it('acks only when every node has the write', async () => {
    const nodes = await setup({ mode: 'sync' });
    const ops = makeOps('c1', 1, 4);
    const res = await rep.write(ops);
    expect(res.map((r) => r.status)).toEqual(['ok', 'ok', 'ok', 'ok']);
    expect(res.every((r) => r.replicated === true && r.degraded === undefined)).toBe(true);
    for (const n of nodes) expect(await holds(n, ids(ops))).toBe(4);
  });

  it('rejects NOT_ENOUGH_REPLICAS (retryable, nothing applied) when a node is known down', async () => {
    const nodes = await setup({ mode: 'sync' });
    nodes[2]!.down();
    await rep.healthCheck();
    expect(rep.canAck('sync')).toBe(false);
    const ops = makeOps('c1', 1, 2);
    const res = await rep.write(ops);
    expect(res.map((r) => [r.status, r.error?.code, r.error?.retryable])).toEqual([
      ['rejected', 'NOT_ENOUGH_REPLICAS', true],
      ['rejected', 'NOT_ENOUGH_REPLICAS', true],
    ]);
    for (const n of nodes) expect(await holds(n, ids(ops))).toBe(0);
    expect(rep.stats().rejected).toBe(2);
  });

  it('is indeterminate, never ok, when a node fails during the write', async () => {
    const nodes = await setup({ mode: 'sync' });
    nodes[1]!.failNextBatch();
    const ops = makeOps('c1', 1, 2);
    const res = await rep.write(ops);
    expect(res.map((r) => r.status)).toEqual(['indeterminate', 'indeterminate']);
    expect(res[0]!.error?.code).toBe('NOT_ENOUGH_REPLICAS');
    // Nothing of the batch on the failed node (one transaction); the others may hold it.
    expect(await holds(nodes[1]!, ids(ops))).toBe(0);
    // After repair the retry is ok, and each op exists once per node.
    await rep.repair();
    const retry = await rep.write(ops);
    expect(retry.map((r) => r.status)).toEqual(['ok', 'ok']);
    for (const n of nodes) expect(await n.inner.opCount()).toBe(2);
  });

  it('acks degraded (and counts it) only under the degrade fallback', async () => {
    const nodes = await setup({ mode: 'sync', fallback: 'degrade' });
    nodes[2]!.down();
    await rep.healthCheck();
    const res = await rep.write(makeOps('c1', 1, 3));
    expect(res.map((r) => [r.status, r.degraded])).toEqual([
      ['ok', true],
      ['ok', true],
      ['ok', true],
    ]);
    expect(rep.stats().degraded).toBe(3);
  });
});

describe('semi-sync', () => {
  it('acks with one of three down; the node catches up after it returns', async () => {
    const nodes = await setup({ mode: 'semi-sync' });
    const replicated: string[] = [];
    rep.onReplicated((opIds) => replicated.push(...opIds));
    nodes[2]!.down();
    await rep.healthCheck();
    expect(rep.canAck()).toBe(true);
    const ops = makeOps('c1', 1, 5);
    const res = await rep.write(ops);
    expect(res.every((r) => r.status === 'ok' && r.replicated === false && !r.degraded)).toBe(true);
    expect(await holds(nodes[0]!, ids(ops))).toBe(5);
    expect(await holds(nodes[1]!, ids(ops))).toBe(5);
    expect(await holds(nodes[2]!, ids(ops))).toBe(0);
    expect(replicated).toEqual([]);

    nodes[2]!.up();
    await rep.repair();
    expect(await holds(nodes[2]!, ids(ops))).toBe(5);
    const d = await rep.digests();
    expect(Object.keys(d)).toHaveLength(3);
    expect(new Set(Object.values(d)).size).toBe(1);
    expect(replicated.sort()).toEqual(ids(ops).sort()); // two-phase ack: replicated after repair
    expect(rep.stats().repairedOps).toBeGreaterThanOrEqual(5);
  });

  it('answers before a slow replica and delivers to it in the background', async () => {
    const nodes = await setup({ mode: 'semi-sync' });
    const replicated: string[] = [];
    rep.onReplicated((opIds) => replicated.push(...opIds));
    nodes[2]!.slow(300);
    const ops = makeOps('c1', 1, 2);
    const t0 = Date.now();
    const res = await rep.write(ops);
    expect(Date.now() - t0).toBeLessThan(250);
    expect(res.every((r) => r.status === 'ok' && r.replicated === false)).toBe(true);
    expect(replicated).toEqual([]);
    await rep.close(); // waits for background deliveries
    expect(await holds(nodes[2]!, ids(ops))).toBe(2);
    expect(replicated.sort()).toEqual(ids(ops).sort());
  });

  it('needs the primary: primary failing mid-write is indeterminate even if replicas commit', async () => {
    const nodes = await setup({ mode: 'semi-sync' });
    nodes[0]!.failNextBatch();
    const res = await rep.write(makeOps('c1', 1, 1));
    expect(res[0]!.status).toBe('indeterminate');
  });
});

describe('async', () => {
  it('acks with two of three down, rejects with all down', async () => {
    const nodes = await setup({ mode: 'async' });
    nodes[1]!.down();
    nodes[2]!.down();
    await rep.healthCheck();
    const ops = makeOps('c1', 1, 3);
    expect((await rep.write(ops)).map((r) => r.status)).toEqual(['ok', 'ok', 'ok']);
    expect(await holds(nodes[0]!, ids(ops))).toBe(3);
    nodes[0]!.down();
    await rep.healthCheck();
    expect(rep.canAck()).toBe(false);
    const res = await rep.write(makeOps('c1', 4, 1));
    expect(res[0]).toMatchObject({ status: 'rejected', error: { code: 'NOT_ENOUGH_REPLICAS' } });
  });

  it('group-commits concurrent writes into fewer node transactions, outcomes per write', async () => {
    const nodes = await setup({ mode: 'sync' });
    nodes.forEach((n) => n.slow(5));
    const before = nodes[0]!.batchCalls;
    const writes = Array.from({ length: 20 }, (_, i) => rep.write(makeOps(`g${i}`, 1, 2)));
    const results = await Promise.all(writes);
    expect(results.flat().every((r) => r.status === 'ok')).toBe(true);
    expect(nodes[0]!.batchCalls - before).toBeLessThan(20);
    expect(rep.stats().groupCommits).toBeGreaterThan(0);
    for (const n of nodes) expect(await n.inner.opCount()).toBe(40);
  });
});

describe('bad input', () => {
  it('refuses an invalid batch with INVALID_MESSAGE without failing nodes or concurrent writes', async () => {
    const nodes = await setup({ mode: 'sync' });
    const bad = makeOps('c1', 1, 2);
    bad[1] = { ...bad[1]!, hlc: 'not-a-stamp' };
    const good = makeOps('c2', 1, 2);
    const [badRes, goodRes] = await Promise.all([rep.write(bad), rep.write(good)]);
    expect(badRes.map((r) => [r.status, r.error?.code, r.error?.retryable])).toEqual([
      ['rejected', 'INVALID_MESSAGE', false],
      ['rejected', 'INVALID_MESSAGE', false],
    ]);
    expect(goodRes.map((r) => r.status)).toEqual(['ok', 'ok']);
    for (const n of nodes) expect(await holds(n, ids(bad))).toBe(0);
    expect(rep.health().every((h) => h.state === 'up')).toBe(true);
  });

  it('a bad pull request is refused without marking the primary down', async () => {
    await setup({ mode: 'sync' });
    await expect(rep.pull('s1', null, 0)).rejects.toMatchObject({ code: 'INVALID_MESSAGE' });
    await expect(rep.pull('s1', 'garbage', 10)).rejects.toMatchObject({ code: 'INVALID_MESSAGE' });
    expect(rep.health().every((h) => h.state === 'up')).toBe(true);
  });
});

describe('background queue bound', () => {
  it('a replica too far behind is marked down and left to repair, not queued without bound', async () => {
    // One write per call and 120 ms per call: n3's 4th queued write waits longer than a call's budget.
    // (300 ms, not less: under load the primary's six commits alone took up to ~200 ms.)
    const nodes = await setup({ mode: 'async', maxGroupOps: 1, writeTimeoutMs: 300 });
    nodes[2]!.slow(120);
    const results = await Promise.all(Array.from({ length: 6 }, (_, i) => rep.write(makeOps(`q${i}`, 1, 2))));
    expect(results.flat().map((r) => r.status)).toEqual(Array(12).fill('ok'));
    const n3 = () => rep.health().find((h) => h.id === 'n3')!;
    for (let i = 0; i < 40 && n3().state === 'up'; i++) await new Promise((r) => setTimeout(r, 25));
    expect([n3().state, n3().lastError]).toEqual(['down', expect.stringContaining('behind')]);
    expect(await nodes[2]!.inner.opCount()).toBeLessThan(12);
    nodes[2]!.slow(0);
    await rep.repair();
    const d = await rep.digests();
    expect(new Set(Object.values(d)).size).toBe(1);
    expect(await nodes[2]!.inner.opCount()).toBe(12);
  });
});
