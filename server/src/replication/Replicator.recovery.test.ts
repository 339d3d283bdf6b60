/** Timeouts, failover, maintenance and repair against real SQLite nodes (G0, G1, G4). */
import { afterEach, describe, expect, it } from 'vitest';
import { materialize, ResyncSummary } from '@syncline/shared';
import { Replicator, type ReplicatorConfig } from './Replicator.js';
import { makeOps, sqliteCluster, type SqliteCluster } from '../testing/sqliteCluster.js';
import type { FaultyNode } from '../testing/FaultyNode.js';

let cluster: SqliteCluster;
const reps: Replicator[] = [];

async function setup(opts: Partial<ReplicatorConfig> & Pick<ReplicatorConfig, 'mode'>, count = 3) {
  cluster = await sqliteCluster(count);
  const rep = replicator(cluster.nodes, opts);
  await rep.ready();
  return { rep, nodes: cluster.nodes };
}

function replicator(nodes: FaultyNode[], opts: Partial<ReplicatorConfig> & Pick<ReplicatorConfig, 'mode'>) {
  const rep = new Replicator(nodes, { healthIntervalMs: 60_000, writeTimeoutMs: 2000, ...opts });
  reps.push(rep);
  return rep;
}

afterEach(async () => {
  for (const r of reps.splice(0)) await r.close();
  await cluster?.cleanup();
});

const ids = (ops: { opId: string }[]) => ops.map((o) => o.opId);
const equalDigests = async (rep: Replicator, count: number) => {
  const d = await rep.digests();
  expect(Object.keys(d)).toHaveLength(count);
  expect(new Set(Object.values(d)).size).toBe(1);
};

describe('timeout', () => {
  it('a hung node yields indeterminate; a retry of the same op ids has exactly one effect', async () => {
    const { rep, nodes } = await setup({ mode: 'sync', writeTimeoutMs: 300 });
    const release = nodes[2]!.hang();
    const ops = makeOps('c1', 1, 3, 's1', 1); // three puts to one record: state shows the last
    const res = await rep.write(ops);
    expect(res.map((r) => [r.status, r.error?.code])).toEqual([
      ['indeterminate', 'TIMEOUT'],
      ['indeterminate', 'TIMEOUT'],
      ['indeterminate', 'TIMEOUT'],
    ]);
    expect(rep.health().find((h) => h.id === 'n3')!.state).toBe('down');
    release(); // the hung write lands now
    await rep.repair();
    const retry = await rep.write(ops);
    expect(retry.map((r) => r.status)).toEqual(['ok', 'ok', 'ok']);
    for (const n of nodes) {
      expect(await n.inner.opCount()).toBe(3);
      const page = await n.inner.pull('s1', 0, 100);
      expect(page.records).toHaveLength(1);
      expect(materialize(page.records[0]!.state)).toEqual({ v: 3, by: 'c1' });
    }
    await equalDigests(rep, 3);
  });
});

describe('failover', () => {
  it('the next node serves writes and pulls; an old cursor re-pulls from 0 on the new primary', async () => {
    const { rep, nodes } = await setup({ mode: 'semi-sync' });
    const a = makeOps('c1', 1, 4, 's1', 4);
    await rep.write(a);
    const first = await rep.pull('s1', null, 100);
    expect(first.cursor.startsWith('n1:')).toBe(true);
    expect(first.records).toHaveLength(4);

    nodes[0]!.down(); // not yet noticed: the next write finds out
    const b = makeOps('c2', 1, 2, 's1', 2).map((op, i) => ({ ...op, id: `new${i}` }));
    const resB = await rep.write(b);
    expect(resB.every((r) => r.status === 'indeterminate')).toBe(true); // primary failed during the write
    expect(rep.health().find((h) => h.primary)!.id).toBe('n2');
    const retryB = await rep.write(b);
    expect(retryB.every((r) => r.status === 'ok')).toBe(true);

    const next = await rep.pull('s1', first.cursor, 100);
    expect(next.cursor.startsWith('n2:')).toBe(true);
    expect(next.records.map((r) => r.id).sort()).toEqual(['new0', 'new1', 'r0', 'r1', 'r2', 'r3']);
    expect(rep.stats().cursorResets).toBe(1);
    // The new cursor is incremental on n2.
    const after = await rep.pull('s1', next.cursor, 100);
    expect(after.records).toEqual([]);
  });

  it('an old cursor with a resync summary gets only the differing buckets; too large a difference falls back to a full pull', async () => {
    const { rep, nodes } = await setup({ mode: 'semi-sync' });
    await rep.write(makeOps('c1', 1, 64, 's1', 64));
    const first = await rep.pull('s1', null, 1000);
    // What a client holding `first` sends (client/src/engine/summarizeSpace.ts does this from `_state`).
    const summary = new ResyncSummary(256); // a client picks resyncBucketCount(records); more buckets here so the bound below is tight
    for (const r of first.records) summary.add(r.table, r.id, r.state);

    nodes[0]!.down();
    await rep.write(makeOps('c2', 1, 1, 's1', 1).map((op) => ({ ...op, id: 'new0' }))); // finds n1 down: indeterminate
    expect((await rep.write(makeOps('c2', 1, 1, 's1', 1).map((op) => ({ ...op, id: 'new0' }))))[0]!.status).toBe('ok');

    expect(await rep.pull('s1', first.cursor, 1000, undefined, true)).toMatchObject({
      records: [],
      needSummary: true,
      cursor: first.cursor,
    });
    const resynced = await rep.pull('s1', first.cursor, 1000, undefined, summary.digests());
    // Only new0's bucket differs; it may share it with a record or two the client already has.
    expect(resynced.records.map((r) => r.id)).toContain('new0');
    expect(resynced.records.length).toBeLessThan(4);
    expect(resynced.cursor.startsWith('n2:')).toBe(true);
    expect(rep.stats()).toMatchObject({ resyncs: 1, cursorResets: 0 });
    expect((await rep.pull('s1', resynced.cursor, 1000)).records).toEqual([]);

    // An empty summary differs everywhere: 65 rows do not fit a page of 10, so the pull restarts at seq 0.
    const empty = new ResyncSummary(16).digests();
    const fallback = await rep.pull('s1', first.cursor, 10, undefined, empty);
    expect(fallback.records).toHaveLength(10);
    expect(fallback.hasMore).toBe(true);
    expect(rep.stats()).toMatchObject({ resyncs: 1, cursorResets: 1 });
  });

  it('a pull whose primary fails moves to the next node', async () => {
    const { rep, nodes } = await setup({ mode: 'async' });
    await rep.write(makeOps('c1', 1, 2));
    await rep.repair();
    nodes[0]!.down();
    const page = await rep.pull('s1', 'n1:0', 100);
    expect(page.cursor.startsWith('n2:')).toBe(true);
    expect(page.records.length).toBeGreaterThan(0);
  });

  it('ops only the failed primary had (async) reach the others when it returns', async () => {
    const { rep, nodes } = await setup({ mode: 'async' });
    nodes[1]!.down();
    nodes[2]!.down();
    await rep.healthCheck();
    const onlyN1 = makeOps('c1', 1, 3);
    expect((await rep.write(onlyN1)).every((r) => r.status === 'ok')).toBe(true);
    nodes[0]!.down();
    await rep.healthCheck();
    expect(rep.stats().atRiskOps).toBe(3); // only the dead primary holds them: reported, not silent
    nodes[1]!.up();
    nodes[2]!.up();
    await rep.healthCheck();
    expect(rep.health().find((h) => h.primary)!.id).toBe('n2');
    const later = makeOps('c2', 1, 3);
    expect((await rep.write(later)).every((r) => r.status === 'ok')).toBe(true);
    nodes[0]!.up();
    await rep.repair();
    for (const n of nodes) expect((await n.inner.hasOps([...ids(onlyN1), ...ids(later)])).size).toBe(6);
    await equalDigests(rep, 3);
    expect(rep.stats().atRiskOps).toBe(0);
    expect(rep.health().find((h) => h.primary)!.id).toBe('n1'); // repaired, first in order again
  });
});

describe('maintenance and repair', () => {
  it('a node out for maintenance gets no writes; back in, it is repaired to equal digests', async () => {
    const { rep, nodes } = await setup({ mode: 'semi-sync' });
    await rep.write(makeOps('c1', 1, 3));
    rep.setMaintenance('n2', true);
    expect(rep.health().find((h) => h.id === 'n2')!.state).toBe('maintenance');
    expect(rep.canAck('sync')).toBe(false);
    const during = makeOps('c1', 4, 5);
    expect((await rep.write(during)).every((r) => r.status === 'ok')).toBe(true);
    expect((await nodes[1]!.inner.hasOps(ids(during))).size).toBe(0);
    expect((await rep.write(makeOps('c1', 9, 1), 'sync'))[0]!.status).toBe('rejected');

    rep.setMaintenance('n2', false);
    await rep.repair();
    expect((await nodes[1]!.inner.hasOps(ids(during))).size).toBe(5);
    await equalDigests(rep, 3);
    const h = rep.health().find((x) => x.id === 'n2')!;
    expect([h.state, h.repairing, h.repairProgress]).toEqual(['up', false, 1]);
  });

  it('an empty new node is filled by repair', async () => {
    cluster = await sqliteCluster(2);
    const old = replicator(cluster.nodes, { mode: 'sync' });
    await old.ready();
    await old.write(makeOps('c1', 1, 30, 's1', 7));
    await old.write(makeOps('c2', 1, 10, 's2', 3));
    await old.close();
    const fresh = await cluster.addNode('n3');
    expect(await fresh.inner.opCount()).toBe(0);
    const rep = replicator([...cluster.nodes, fresh], { mode: 'sync' });
    await rep.ready(); // the first health round repairs every node
    expect(await fresh.inner.opCount()).toBe(40);
    await equalDigests(rep, 3);
    // Cursors are stored: a second repair scans nothing new.
    const scanned = rep.stats().repairScannedOps;
    await rep.repair();
    expect(rep.stats().repairScannedOps).toBe(scanned);
  });

  it('a node coming back is repaired by the periodic health check', async () => {
    const { rep, nodes } = await setup({ mode: 'semi-sync', healthIntervalMs: 50 });
    nodes[2]!.down();
    await rep.healthCheck();
    const ops = makeOps('c1', 1, 4);
    await rep.write(ops);
    nodes[2]!.up();
    const deadline = Date.now() + 5000;
    while ((await nodes[2]!.inner.hasOps(ids(ops))).size < 4 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 25));
    expect((await nodes[2]!.inner.hasOps(ids(ops))).size).toBe(4);
  });
});
