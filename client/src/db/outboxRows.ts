/**
 * Whole-batch reads and deletes of `_outbox` rows by key. The rows of a push
 * batch are almost always a run of consecutive keys (the outbox is read in
 * key order), so one range read (`getAll`: one IndexedDB request) replaces a
 * `get` per row, and deleting all of them is one range delete.
 */
import type { Table } from 'dexie';
import type { OutboxRow } from './rows.js';

export interface OutboxRead {
  /** The rows of `seqs`, in the same order (undefined: gone). */
  rows: (OutboxRow | undefined)[];
  /** Every key found between the lowest and highest of `seqs` when they were read as a range (else null). */
  inRange: number[] | null;
}

/** Reads the rows of these keys: one range read when they are dense enough, else one `get` per key. */
export async function readOutboxRows(outbox: Table<OutboxRow, number>, seqs: readonly number[]): Promise<OutboxRead> {
  if (seqs.length === 0) return { rows: [], inRange: null };
  let lo = Infinity;
  let hi = -Infinity;
  for (const s of seqs) {
    if (s < lo) lo = s;
    if (s > hi) hi = s;
  }
  // A range read returns the rows in between too: worth it while they are not many more than asked.
  if (hi - lo + 1 > 2 * seqs.length + 16) return { rows: await outbox.bulkGet(seqs as number[]), inRange: null };
  const found = await outbox.where(':id').between(lo, hi, true, true).toArray();
  const bySeq = new Map(found.map((r) => [r.seq!, r]));
  return { rows: seqs.map((s) => bySeq.get(s)), inRange: found.map((r) => r.seq!) };
}

/**
 * Deletes these keys (all found by `read`, in this transaction): one range
 * delete when they are every key the read found between their lowest and
 * highest, else a `bulkDelete`.
 */
export async function deleteOutboxRows(outbox: Table<OutboxRow, number>, keys: readonly number[], read: OutboxRead): Promise<void> {
  if (keys.length === 0) return;
  if (read.inRange && keys.length > 1) {
    const want = new Set(keys);
    let lo = Infinity;
    let hi = -Infinity;
    for (const k of keys) {
      if (k < lo) lo = k;
      if (k > hi) hi = k;
    }
    const between = read.inRange.filter((k) => k >= lo && k <= hi);
    if (between.length === want.size && between.every((k) => want.has(k))) {
      await outbox.where(':id').between(lo, hi, true, true).delete();
      return;
    }
  }
  await outbox.bulkDelete(keys as number[]);
}
