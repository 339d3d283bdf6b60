import { expect, it } from 'vitest';
import { del, put, pullAll, yjs, type ConformanceContext } from './fixtures.js';

type Open = () => Promise<ConformanceContext>;

export function pullTests(open: Open): void {
  it('pages by seq with limit/hasMore across records and doc updates', async () => {
    const { node } = await open();
    await node.applyBatch([put('a', 1, { n: 1 }), yjs('d', [1]), put('b', 1, { n: 2 })]);
    await node.applyBatch([yjs('d', [2]), put('c', 1, { n: 3 }), yjs('e', [3]), put('f', 1, { n: 4 })]);
    const all = await node.pull('s', 0, 1000);
    expect(all.hasMore).toBe(false);
    expect(all.records.map((r) => r.id)).toEqual(['a', 'b', 'c', 'f']);
    expect(all.docs.map((d) => [...d.update])).toEqual([[1], [2], [3]]);
    const seqs = [...all.records, ...all.docs].map((r) => r.seq).sort((x, y) => x - y);
    // Seven new rows, seven consecutive seqs.
    expect(seqs).toEqual(seqs.map((_, i) => seqs[0]! + i));
    expect(all.lastSeq).toBe(seqs[6]);
    for (const limit of [1, 2, 3]) {
      const got: number[] = [];
      let after = 0;
      for (;;) {
        const page = await node.pull('s', after, limit);
        const pageSeqs = [...page.records, ...page.docs].map((r) => r.seq).sort((x, y) => x - y);
        expect(pageSeqs.length).toBeLessThanOrEqual(limit);
        if (pageSeqs.length > 0) expect(page.lastSeq).toBe(pageSeqs[pageSeqs.length - 1]);
        got.push(...pageSeqs);
        after = page.lastSeq;
        if (!page.hasMore) break;
        expect(pageSeqs.length).toBe(limit);
      }
      expect(got).toEqual(seqs);
    }
    const end = await node.pull('s', all.lastSeq, 10);
    expect(end).toEqual({ records: [], docs: [], lastSeq: all.lastSeq, hasMore: false });
    await expect(node.pull('s', 0, 0)).rejects.toThrow();
  });

  it('filters by document or to records only (pull `only`)', async () => {
    const { node } = await open();
    await node.applyBatch([put('a', 1, { n: 1 }), yjs('d1', [1]), yjs('d2', [2]), put('b', 1, { n: 2 })]);
    await node.applyBatch([yjs('d1', [3]), yjs('d2', [4], { space: 'other' }), yjs('d2', [5])]);
    const d1 = await node.pull('s', 0, 1000, { doc: 'd1' });
    expect(d1.records).toEqual([]);
    expect(d1.docs.map((d) => [d.doc, [...d.update]])).toEqual([
      ['d1', [1]],
      ['d1', [3]],
    ]);
    expect(d1.lastSeq).toBe(d1.docs[1]!.seq);
    const d2 = await node.pull('s', 0, 1000, { doc: 'd2' });
    expect(d2.docs.map((d) => [d.doc, [...d.update]])).toEqual([
      ['d2', [2]],
      ['d2', [5]],
    ]);
    const recs = await node.pull('s', 0, 1000, { records: true });
    expect(recs.docs).toEqual([]);
    expect(recs.records.map((r) => r.id)).toEqual(['a', 'b']);
    expect(recs.lastSeq).toBe(recs.records[1]!.seq);
    // Paging a filtered pull: limit counts only the rows it returns, and never skips one.
    const first = await node.pull('s', 0, 1, { doc: 'd1' });
    expect(first.docs.map((d) => [...d.update])).toEqual([[1]]);
    expect(first.hasMore).toBe(true);
    const rest = await node.pull('s', first.lastSeq, 1, { doc: 'd1' });
    expect(rest.docs.map((d) => [...d.update])).toEqual([[3]]);
    expect((await node.pull('s', rest.lastSeq, 1, { doc: 'd1' })).docs).toEqual([]);
  });

  it('filters by space', async () => {
    const { node } = await open();
    await node.applyBatch([put('a', 1, { n: 1 }), put('a', 1, { n: 2 }, { space: 'other' }), yjs('d', [1], { space: 'other' })]);
    await node.applyBatch([del('b', 1, { space: 'other' }), yjs('d', [2])]);
    const s = await pullAll(node, 's');
    const other = await pullAll(node, 'other');
    expect(s.records.map((r) => [r.space, r.id])).toEqual([['s', 'a']]);
    expect(s.docs.map((d) => [d.space, [...d.update]])).toEqual([['s', [2]]]);
    expect(other.records.map((r) => [r.space, r.id])).toEqual([
      ['other', 'a'],
      ['other', 'b'],
    ]);
    expect(other.docs.map((d) => [d.space, [...d.update]])).toEqual([['other', [1]]]);
    expect((await pullAll(node, 'nobody')).records).toEqual([]);
  });

  it('moves an updated record to a later seq, where it appears once', async () => {
    const { node } = await open();
    await node.applyBatch([put('a', 1, { v: 1 }), put('b', 1, { v: 1 })]);
    const first = await node.pull('s', 0, 1);
    expect(first.records.map((r) => r.id)).toEqual(['a']);
    await node.applyBatch([put('a', 2, { v: 2 }), put('a', 3, { w: 3 })]);
    const all = await pullAll(node);
    expect(all.records.map((r) => r.id)).toEqual(['b', 'a']);
    expect(all.records[1]!.seq).toBe(all.records[0]!.seq + 1);
    // A reader that already had the old version sees the new one after its cursor.
    const rest = await pullAll(node, 's');
    const after = await node.pull('s', first.lastSeq, 100);
    expect(after.records.map((r) => [r.id, r.seq])).toEqual(rest.records.map((r) => [r.id, r.seq]));
    expect(after.records[1]?.state.fields.w?.v).toBe(3);
  });

  it('pages the op log, answers hasOps and counts ops', async () => {
    const { node } = await open();
    const ops = [put('a', 1, { x: 1 }, { unset: ['y'] }), yjs('d', [0, 255, 9]), del('a', 2)];
    await node.applyBatch(ops);
    await node.applyBatch([ops[0]!, put('b', 1, {})]);
    const pages = [];
    let after = 0;
    for (;;) {
      const page = await node.readOpLog(after, 2);
      pages.push(page);
      after = page.lastLogSeq;
      if (!page.hasMore) break;
    }
    expect(pages.map((p) => p.ops.length)).toEqual([2, 2]);
    const logged = pages.flatMap((p) => p.ops);
    const logSeqs = logged.map((o) => o.logSeq);
    expect(logSeqs).toEqual(logSeqs.map((_, i) => logSeqs[0]! + i));
    expect(logged.map((o) => o.op.opId)).toEqual([...ops.map((o) => o.opId), expect.any(String)]);
    expect(logged[0]!.op).toEqual(ops[0]);
    expect(logged[2]!.op).toEqual(ops[2]);
    const doc = logged[1]!.op;
    expect(doc.kind === 'yjs' && [...doc.update]).toEqual([0, 255, 9]);
    expect(doc.kind === 'yjs' && doc.update instanceof Uint8Array).toBe(true);
    const tail = await node.readOpLog(after, 10);
    expect(tail).toEqual({ ops: [], lastLogSeq: after, hasMore: false });
    expect(await node.hasOps([ops[1]!.opId, 'nope:1', ops[2]!.opId])).toEqual(new Set([ops[1]!.opId, ops[2]!.opId]));
    expect(await node.hasOps([])).toEqual(new Set());
    expect(await node.opCount()).toBe(4);
  });

  it("lists the op log's ids page by page as readOpLog pages it (readOpIds, where implemented)", async () => {
    const { node } = await open();
    if (!node.readOpIds) return; // optional: repair falls back to readOpLog (StorageNode.ts)
    await node.applyBatch([put('a', 1, { x: 1 }), yjs('d', [1]), put('b', 1, { y: 2 })]);
    await node.applyBatch([del('a', 2), put('a', 3, { x: 3 })]);
    for (const [after, limit] of [
      [0, 2],
      [2, 2],
      [3, 2],
      [4, 2],
      [1, 10],
      [5, 3],
    ] as const) {
      const log = await node.readOpLog(after, limit);
      expect(await node.readOpIds(after, limit)).toEqual({
        opIds: log.ops.map((o) => o.op.opId),
        lastLogSeq: log.lastLogSeq,
        hasMore: log.hasMore,
      });
    }
  });
}
