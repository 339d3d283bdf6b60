import { expect, it } from 'vitest';
import type { StoredOp } from '../StorageNode.js';
import { del, put, yjs, type ConformanceContext } from './fixtures.js';
import { seededRandom } from '@syncline/shared';

type Open = () => Promise<ConformanceContext>;

/** Deterministic shuffle (mulberry32), so a failing order reproduces. */
function shuffled<T>(items: T[], seed: number): T[] {
  const rand = seededRandom(seed);
  const out = [...items];
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(rand() * (i + 1));
    [out[i], out[j]] = [out[j]!, out[i]!];
  }
  return out;
}

function workload(): StoredOp[] {
  return [
    put('a', 10, { x: 1, y: 1 }),
    put('a', 20, { x: 2 }, { unset: ['y'] }),
    put('a', 15, { z: 1 }),
    del('b', 30),
    put('b', 25, { x: 1 }),
    put('b', 40, { w: { nested: [1, 'two'] } }),
    put('c', 5, { q: null }, { space: 'other' }),
    del('c', 4, { space: 'other' }),
    yjs('d', [1, 2]),
    yjs('d', [3], { space: 'other' }),
  ];
}

export function digestTests(open: Open): void {
  it('digest is equal for the same ops in any order or batching, and differs otherwise', async () => {
    const ops = workload();
    const seed = 0x5eed;
    const a = (await open()).node;
    const b = (await open()).node;
    const c = (await open()).node;
    expect(await a.digest()).toBe(await b.digest());
    await a.applyBatch(ops);
    for (const op of shuffled(ops, seed)) await b.applyBatch([op]);
    const reordered = shuffled([...ops, ops[0]!, ops[8]!], seed + 1);
    for (let i = 0; i < reordered.length; i += 3) await c.applyBatch(reordered.slice(i, i + 3));
    const digest = await a.digest();
    expect(digest).toMatch(/^[0-9a-f]{64}$/);
    expect(await b.digest(), `shuffle seed ${seed}`).toBe(digest);
    expect(await c.digest(), `shuffle seed ${seed + 1}`).toBe(digest);

    // A different record state changes it.
    await b.applyBatch([put('a', 50, { x: 3 })]);
    expect(await b.digest()).not.toBe(digest);
    // So does an extra applied op id, even one that changed no record.
    await c.applyBatch([put('a', 1, { x: 0 })]);
    expect(await c.digest()).not.toBe(digest);
  });

  it('digest covers document content: the same op id with another update differs', async () => {
    const a = (await open()).node;
    const b = (await open()).node;
    const doc = yjs('doc', [1, 2, 3]);
    await a.applyBatch([doc]);
    await b.applyBatch([{ ...doc, update: new Uint8Array([1, 2, 4]) }]);
    expect(await a.digest()).not.toBe(await b.digest());
    const c = (await open()).node;
    await c.applyBatch([{ ...doc, update: new Uint8Array([1, 2, 3]) }]);
    expect(await c.digest()).toBe(await a.digest());
  });
}
