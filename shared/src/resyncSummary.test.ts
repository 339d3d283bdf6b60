import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { ResyncSummary, resyncBucketCount } from './resyncSummary.js';
import type { RecordState } from './merge.js';

const state = (v: number, t = '0000000000001-0000-a'): RecordState => ({ fields: { v: { t, v } } });

describe('ResyncSummary', () => {
  it('does not depend on the order records are added in', () => {
    fc.assert(
      fc.property(fc.uniqueArray(fc.integer({ min: 0, max: 10_000 }), { maxLength: 60 }), fc.integer(), (ids, seed) => {
        const a = new ResyncSummary(16);
        const b = new ResyncSummary(16);
        for (const i of ids) a.add('t', `r${i}`, state(i));
        const shuffled = [...ids].sort((x, y) => ((x * 31 + seed) % 97) - ((y * 31 + seed) % 97));
        for (const i of shuffled) b.add('t', `r${i}`, state(i));
        expect(a.digests()).toEqual(b.digests());
      }),
    );
  });

  it('a changed, missing or extra record changes exactly its bucket', () => {
    const base = new ResyncSummary(64);
    for (let i = 0; i < 200; i++) base.add('t', `r${i}`, state(i));
    const changed = new ResyncSummary(64);
    for (let i = 0; i < 200; i++) changed.add('t', `r${i}`, i === 7 ? state(7, '0000000000002-0000-a') : state(i));
    const diff = base.digests().flatMap((d, i) => (d === changed.digests()[i] ? [] : [i]));
    expect(diff).toEqual([base.bucket('t', 'r7')]);
    const missing = new ResyncSummary(64);
    for (let i = 1; i < 200; i++) missing.add('t', `r${i}`, state(i));
    expect(base.digests().flatMap((d, i) => (d === missing.digests()[i] ? [] : [i]))).toEqual([base.bucket('t', 'r0')]);
  });

  it('the table is part of the key', () => {
    const a = new ResyncSummary(16);
    const b = new ResyncSummary(16);
    a.add('t1', 'x', state(1));
    b.add('t2', 'x', state(1));
    expect(a.digests()).not.toEqual(b.digests());
  });

  it('bucket count grows with the space, within the protocol bounds', () => {
    expect(resyncBucketCount(0)).toBe(16);
    expect(resyncBucketCount(10_000)).toBe(4096);
    expect(resyncBucketCount(1_000_000)).toBe(4096);
    expect(resyncBucketCount(1000)).toBe(256);
  });
});
