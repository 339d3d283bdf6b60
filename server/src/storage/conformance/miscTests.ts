import { expect, it } from 'vitest';
import { materialize } from '@syncline/shared';
import { put, pullAll, snapshot, yjs, type ConformanceContext } from './fixtures.js';

type Open = () => Promise<ConformanceContext>;

export function miscTests(open: Open): void {
  it('stores meta values and answers ping; open is idempotent', async () => {
    const { node } = await open();
    await node.open();
    await node.ping();
    expect(await node.getMeta('repair:n2')).toBeUndefined();
    await node.setMeta('repair:n2', '17');
    await node.setMeta('repair:n2', '18');
    await node.setMeta('other', '');
    expect(await node.getMeta('repair:n2')).toBe('18');
    expect(await node.getMeta('other')).toBe('');
  });

  it('keeps __proto__ and constructor as plain data in names, fields and meta', async () => {
    const { node } = await open();
    const fields = JSON.parse('{"__proto__": {"polluted": true}, "constructor": "c", "toString": 1}');
    const weird = ['__proto__', 'constructor'] as const;
    await node.applyBatch([
      put('constructor', 1, fields, { space: '__proto__', table: '__proto__' }),
      put('__proto__', 1, { v: 1 }, { space: '__proto__', table: 'constructor' }),
      yjs('__proto__', [1], { space: '__proto__' }),
    ]);
    await node.applyBatch([put('constructor', 2, { constructor: 'd' }, { space: '__proto__', table: '__proto__' })]);
    const { records, docs } = await pullAll(node, '__proto__');
    const row = records.find((r) => r.table === '__proto__' && r.id === 'constructor');
    const value = materialize(row!.state)!;
    expect(Object.keys(value).sort()).toEqual(['__proto__', 'constructor', 'toString']);
    expect(Object.getOwnPropertyDescriptor(value, '__proto__')?.value).toEqual({ polluted: true });
    expect(value.constructor).toBe('d');
    expect(records.find((r) => r.table === 'constructor')?.id).toBe('__proto__');
    expect(docs.map((d) => d.doc)).toEqual(['__proto__']);
    for (const key of weird) {
      expect(await node.getMeta(key)).toBeUndefined();
      await node.setMeta(key, `v-${key}`);
      expect(await node.getMeta(key)).toBe(`v-${key}`);
    }
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('survives close and reopen with everything intact', async (t) => {
    const ctx = await open();
    if (!ctx.reopen) {
      // In-memory nodes have no storage to reopen; the suite says so rather than skipping silently.
      void t.annotate('no reopen(): durability not applicable to this node');
      return;
    }
    const { node } = ctx;
    await node.applyBatch([put('a', 1, { x: 1 }), yjs('d', [4, 5]), put('b', 1, { y: 2 }, { space: 'other' })]);
    await node.applyBatch([put('a', 2, { x: 2 })]);
    await node.setMeta('k', 'v');
    const before = await snapshot(node, ['s', 'other']);
    await node.close();
    const again = await ctx.reopen();
    await again.open();
    try {
      expect(await snapshot(again, ['s', 'other'])).toEqual(before);
      expect(await again.getMeta('k')).toBe('v');
      await again.applyBatch([put('c', 1, { z: 1 })]);
      const { records } = await pullAll(again);
      // Seqs continue where they left off (the last seq was 4: a moved there).
      expect(records.at(-1)?.seq).toBe(Math.max(...before.pulls.map((p) => p.lastSeq)) + 1);
    } finally {
      await again.close();
    }
  });
}
