/**
 * In-thread nodes' groups (issue 14): bounded in size, and each in a turn of
 * the event loop of its own, so sockets and timers get the loop between two
 * nodes' commits. Asserted on structure (group sizes, loop iterations), not
 * on timings.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { SqliteNode } from '../storage/SqliteNode.js';
import type { ApplyOutcome, StoredOp } from '../storage/StorageNode.js';
import { makeOps } from '../testing/sqliteCluster.js';
import { Replicator } from './Replicator.js';
import { NodeWriter } from './NodeWriter.js';

/** Counts loop iterations: a self-rescheduling setImmediate runs once per check phase. */
let iteration = 0;
let ticking = true;
function tick(): void {
  iteration++;
  if (ticking) setImmediate(tick);
}

let dir: string;
const open: SqliteNode[] = [];
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'syncline-groups-'));
  iteration = 0;
  ticking = true;
  setImmediate(tick);
});
afterEach(async () => {
  ticking = false;
  for (const n of open.splice(0)) await n.close();
  rmSync(dir, { recursive: true, force: true });
});

/** A real SQLite node that records each group: its size and the loop iteration it ran in. */
class RecordingNode extends SqliteNode {
  readonly groups: { size: number; iteration: number }[] = [];
  override applyBatch(ops: StoredOp[]): Promise<ApplyOutcome[]> {
    this.groups.push({ size: ops.length, iteration });
    return super.applyBatch(ops);
  }
}

async function nodes(count: number): Promise<RecordingNode[]> {
  const out: RecordingNode[] = [];
  for (let i = 1; i <= count; i++) {
    const n = new RecordingNode({ id: `n${i}`, path: join(dir, `n${i}.db`) });
    await n.open();
    open.push(n);
    out.push(n);
  }
  return out;
}

it('in-thread nodes commit groups of at most maxInThreadGroupOps, one group per turn of the event loop over all nodes', async () => {
  const ns = await nodes(3);
  expect(ns.every((n) => n.inThread)).toBe(true);
  const rep = new Replicator(ns, { mode: 'sync', healthIntervalMs: 60_000, maxInThreadGroupOps: 50 });
  try {
    await rep.ready();
    for (const n of ns) n.groups.length = 0;
    // 16 concurrent pushes of 20 ops: 320 ops in flight, as many writers would send.
    const results = await Promise.all(Array.from({ length: 16 }, (_, w) => rep.write(makeOps(`w${w}`, 1, 20, 's1', 50))));
    expect(results.flat().every((r) => r.status === 'ok')).toBe(true);
    const groups = ns.flatMap((n) => n.groups);
    expect(groups.reduce((s, g) => s + g.size, 0)).toBe(3 * 320);
    expect(Math.max(...groups.map((g) => g.size))).toBeLessThanOrEqual(50);
    expect(Math.max(...groups.map((g) => g.size))).toBeGreaterThan(20); // still grouped across pushes
    // No two groups, of any nodes, in the same loop iteration.
    const iterations = groups.map((g) => g.iteration);
    expect(new Set(iterations).size).toBe(iterations.length);
  } finally {
    await rep.close();
  }
});

it('the nodes take their groups in rounds: pushes arriving over several turns land in the same groups on every node', async () => {
  const ns = await nodes(3);
  const rep = new Replicator(ns, { mode: 'sync', healthIntervalMs: 60_000, maxInThreadGroupOps: 50 });
  try {
    await rep.ready();
    for (const n of ns) n.groups.length = 0;
    const writes = [];
    for (let w = 0; w < 24; w++) {
      writes.push(rep.write(makeOps(`w${w}`, 1, 10, 's1', 50)));
      await new Promise((r) => setImmediate(r)); // one push per turn, as a socket would deliver them
    }
    expect((await Promise.all(writes)).flat().every((r) => r.status === 'ok')).toBe(true);
    const sizes = ns.map((n) => n.groups.map((g) => g.size));
    expect(sizes[0]!.reduce((a, b) => a + b, 0)).toBe(240);
    expect(sizes[1]).toEqual(sizes[0]);
    expect(sizes[2]).toEqual(sizes[0]);
    expect(new Set(ns.flatMap((n) => n.groups.map((g) => g.iteration))).size).toBe(3 * sizes[0]!.length);
  } finally {
    await rep.close();
  }
});

it('the default bound for in-thread nodes is 2000 ops, below the 5000 of other nodes', async () => {
  const ns = await nodes(1);
  const rep = new Replicator(ns, { mode: 'sync', healthIntervalMs: 60_000 });
  try {
    await rep.ready();
    ns[0]!.groups.length = 0;
    await Promise.all(Array.from({ length: 50 }, (_, w) => rep.write(makeOps(`w${w}`, 1, 100, 's1', 1000))));
    const sizes = ns[0]!.groups.map((g) => g.size);
    expect(sizes.reduce((a, b) => a + b, 0)).toBe(5000);
    expect(Math.max(...sizes)).toBe(2000);
  } finally {
    await rep.close();
  }
});

it('a write queued in the continuation of a just-resolved write is written (no write left behind an ended drain)', async () => {
  const [n] = await nodes(1);
  const writer = new NodeWriter(n!, { timeoutMs: 5000, maxGroupOps: 100, maxQueuedOps: 10_000, isUp: () => true, onFailure: () => {} });
  // `await` resumes in the first microtask after the drain resolved the write,
  // before anything else of the drain's own ending could run.
  await writer.write(makeOps('c1', 1, 1));
  const second = writer.write(makeOps('c1', 2, 1));
  const outcome = await Promise.race([second, new Promise<'stuck'>((r) => setTimeout(() => r('stuck'), 2000))]);
  expect(outcome).not.toBe('stuck');
  await writer.idle();
  expect(await n!.hasOps(['c1:1', 'c1:2'])).toEqual(new Set(['c1:1', 'c1:2']));
});
