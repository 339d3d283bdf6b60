/**
 * G1: re-sending an op returns the ORIGINAL outcome. When the server re-stamped
 * an op (clock too far ahead) and the client re-sends it, the server stamps
 * the retry anew; the reply must carry the stamp actually stored.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { encodeHlc, type Change } from '@syncline/shared';
import { MemoryNode } from '../storage/MemoryNode.js';
import { Replicator } from './Replicator.js';

const stamp = (ms: number, node = 'srv') => encodeHlc({ ms, counter: 0, node });
const op = (hlc: string): Change => ({ kind: 'put', opId: 'c1:7', space: 's', table: 't', id: 'r', hlc, fields: { v: 1 } });

let rep: Replicator | undefined;
afterEach(async () => {
  await rep?.close();
  rep = undefined;
});

describe('duplicates report the stored stamp', () => {
  it.each(['sync', 'semi-sync', 'async'] as const)('%s: a re-sent op with a new stamp answers the first stamp', async (mode) => {
    const nodes = [new MemoryNode('n1'), new MemoryNode('n2'), new MemoryNode('n3')];
    for (const n of nodes) await n.open();
    rep = new Replicator(nodes, { mode, healthIntervalMs: 60_000 });
    await rep.ready();
    const first = stamp(1_000_000);
    const [a] = await rep.write([op(first)]);
    expect(a).toMatchObject({ status: 'ok' });
    expect(a!.hlc).toBeUndefined(); // stored as sent
    const [b] = await rep.write([op(stamp(2_000_000))]);
    expect(b).toMatchObject({ status: 'ok', hlc: first });
    // The same stamp again reports nothing new.
    const [c] = await rep.write([op(first)]);
    expect(c!.hlc).toBeUndefined();
  });

  it('a re-stamped retry that reaches nodes the first send missed stores the first stamp there too (no divergence)', async () => {
    const nodes = [new MemoryNode('n1'), new MemoryNode('n2'), new MemoryNode('n3')];
    for (const n of nodes) await n.open();
    rep = new Replicator(nodes, { mode: 'async', healthIntervalMs: 60_000 });
    await rep.ready();
    // The first send reached only the primary (its server died before the replicas got it).
    const first = stamp(1_000_000);
    await nodes[0]!.applyBatch([op(first)]);
    const [b] = await rep.write([op(stamp(2_000_000))]);
    expect(b).toMatchObject({ status: 'ok', hlc: first });
    await rep.repair();
    const digests = await rep.digests();
    expect(new Set(Object.values(digests)).size).toBe(1);
    for (const n of nodes) expect((await n.readOpLog(0, 10)).ops.map((o) => (o.op as { hlc: string }).hlc)).toEqual([first]);
  });

  it('a retry grouped with its original in one commit reports the stamp that was stored', async () => {
    const nodes = [new MemoryNode('n1')];
    await nodes[0]!.open();
    rep = new Replicator(nodes, { mode: 'async', healthIntervalMs: 60_000 });
    await rep.ready();
    const first = stamp(1_000_000);
    const [x, y] = await Promise.all([rep.write([op(first)]), rep.write([op(stamp(3_000_000))])]);
    expect(x![0]!.hlc).toBeUndefined();
    expect(y![0]).toMatchObject({ status: 'ok', hlc: first });
  });
});
