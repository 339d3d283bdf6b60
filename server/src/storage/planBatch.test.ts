import { describe, expect, it } from 'vitest';
import { put, yjs } from './conformance/fixtures.js';
import { planBatch } from './planBatch.js';
import type { StoredOp } from './StorageNode.js';

const plan = (ops: StoredOp[], lastSeq = 10) => planBatch(ops, { isKnown: () => false, loadState: () => undefined, lastSeq });

describe('planBatch row order', () => {
  it('hands out seqs in the order of the op that last changed each row, records and documents interleaved', () => {
    const a1 = put('a', 1, { v: 1 });
    const d1 = yjs('d', [1]);
    const b = put('b', 2, { v: 2 });
    const a2 = put('a', 3, { v: 3 });
    const d2 = yjs('d', [2]);
    const p = plan([a1, d1, b, a2, d2]);
    // Mutation checked: without the sort of out-of-order rows, a gets 12 and b 13: fails here;
    // with documents appended after the records instead of merged by index: fails here.
    expect(p.docs.map((d) => [d.opId, d.seq])).toEqual([
      [d1.opId, 11],
      [d2.opId, 14],
    ]);
    expect(p.records.map((r) => [r.id, r.seq, r.opIndex, r.logIndex])).toEqual([
      ['b', 12, 2, 2],
      ['a', 13, 3, 3],
    ]);
    expect(p.lastSeq).toBe(14);
    expect(p.ops.map((o) => o.opId)).toEqual([a1, d1, b, a2, d2].map((o) => o.opId));
  });

  it('logIndex points at the op in the plan, past duplicates, which are not logged', () => {
    const a = put('a', 1, { v: 1 });
    const b = put('b', 2, { v: 2 });
    const p = planBatch([a, a, b], { isKnown: (id) => id === 'nope', loadState: () => undefined, lastSeq: 0 });
    expect(p.outcomes.map((o) => o.status)).toEqual(['applied', 'duplicate', 'applied']);
    // Mutation checked: logIndex = the batch index (opIndex) makes b's 2: fails here.
    expect(p.records.map((r) => [r.id, r.opIndex, r.logIndex])).toEqual([
      ['a', 0, 0],
      ['b', 2, 1],
    ]);
    expect(p.ops[p.records[1]!.logIndex]!.opId).toBe(b.opId);
  });
});

describe('planBatch on absent records', () => {
  it('an empty put of an absent record is applied (logged) but changes no row and takes no seq', () => {
    const empty = put('a', 1, {});
    const p = plan([empty]);
    expect(p.outcomes).toEqual([{ opId: empty.opId, status: 'applied' }]);
    expect(p.ops.map((o) => o.opId)).toEqual([empty.opId]);
    // Mutation checked: a fresh merge reported as content (or as changed) makes a row here: fails.
    expect(p.records).toEqual([]);
    expect(p.lastSeq).toBe(10);
    const next = put('a', 2, { v: 1 });
    const q = plan([empty, next]);
    expect(q.records.map((r) => [r.id, r.seq, r.logIndex])).toEqual([['a', 11, 1]]);
  });
});
