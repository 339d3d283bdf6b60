import { describe, expect, it } from 'vitest';
import { parseCursor, type ChangesMessage, type RecordRow } from '@syncline/shared';
import { RecordTails } from './RecordTail.js';

/** A primary `n1` holding one space's rows (seq = position), paged as the replicator pulls. */
function fakePrimary() {
  const rows: RecordRow[] = [];
  const replicator = {
    async pull(space: string, cursor: string | null | undefined, limit: number) {
      const after = parseCursor(cursor)?.seq ?? 0;
      const page = rows.slice(after, after + limit);
      const last = page.length > 0 ? page[page.length - 1]!.seq : after;
      return { records: page, docs: [], cursor: `n1:${last}`, hasMore: after + limit < rows.length };
    },
  };
  const commit = () => rows.push({ space: 's', table: 't', id: `r${rows.length + 1}`, state: { fields: {} }, seq: rows.length + 1 });
  return { replicator, commit };
}

const settle = () => new Promise((r) => setTimeout(r, 5));

describe('RecordTails: a space nobody listens to', () => {
  // Mutation checked: ignoring hasListeners in committed() makes the read count grow with the writes (first test),
  // and dropping the `behind` catch-up sends the skipped rows as a `changes` message (second test).
  it('is not read after each write while nobody listens', async () => {
    const { replicator, commit } = fakePrimary();
    let listening = true;
    const tails = new RecordTails({ replicator, pageSize: 2, hasListeners: () => listening, emit: () => {} });
    commit();
    tails.committed('s'); // first write: learns the tip
    await settle();
    listening = false;
    const reads = tails.stats.reads;
    for (let i = 0; i < 10; i++) {
      commit();
      tails.committed('s');
      await settle();
    }
    expect(tails.stats.reads).toBe(reads);
  });

  it('catches up without sending the rows nobody received, pokes, then sends new rows contiguously', async () => {
    const { replicator, commit } = fakePrimary();
    let listening = true;
    const sent: { event: string; payload: unknown }[] = [];
    const tails = new RecordTails({
      replicator,
      pageSize: 2,
      hasListeners: () => listening,
      emit: (_s, event, payload) => sent.push({ event, payload }),
    });
    commit();
    tails.committed('s');
    await settle();
    listening = false;
    for (let i = 0; i < 5; i++) {
      commit();
      tails.committed('s');
    }
    listening = true;
    commit(); // seq 7: a listener joined meanwhile
    tails.committed('s');
    await settle();
    expect(sent.filter((m) => m.event === 'changes')).toEqual([]);
    expect(sent.at(-1)?.event).toBe('poke');
    commit(); // seq 8
    tails.committed('s');
    await settle();
    const msg = sent.at(-1)!.payload as ChangesMessage;
    expect([msg.fromSeq, msg.toSeq, msg.records.map((r) => r.seq)]).toEqual([7, 8, [8]]);
  });
});
