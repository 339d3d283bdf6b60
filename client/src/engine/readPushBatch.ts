import type { AckMode, Change, RecordChange } from '@syncline/shared';
import type { Dexie, Table } from 'dexie';
import { OUTBOX } from '../db/internalStores.js';
import type { OutboxRow } from '../db/rows.js';

export interface PushBatch {
  rows: OutboxRow[];
  ack: AckMode | undefined;
  changes: Change[];
}

/** The wire change of an outbox row: a record change, or a Yjs update (`kind: 'yjs'`). */
export function toChange(row: OutboxRow): Change {
  if (row.kind === 'yjs') return { kind: 'yjs', opId: row.opId, space: row.space, doc: row.id, update: row.update ?? new Uint8Array() };
  return rowToChange(row);
}

/** A record row's change (yjs rows have no `_state`, so record bookkeeping never reaches them). */
export function rowToChange(row: OutboxRow): RecordChange {
  if (row.kind === 'delete') {
    return { kind: 'delete', opId: row.opId, space: row.space, table: row.table, id: row.id, hlc: row.hlc };
  }
  const change: RecordChange = {
    kind: 'put',
    opId: row.opId,
    space: row.space,
    table: row.table,
    id: row.id,
    hlc: row.hlc,
    fields: row.fields ?? {},
  };
  if (row.unset?.length) change.unset = row.unset;
  return change;
}

/**
 * The next batch to send, oldest first: pending rows, or with
 * `includeAccepted` also rows accepted but not yet known replicated (re-sent
 * with the same op id after a reconnect, the server answers the original
 * outcome). One batch holds one ack mode, as a push request carries one.
 */
export async function readPushBatch(db: Dexie, max: number, includeAccepted: boolean, afterSeq?: number): Promise<PushBatch | null> {
  const outbox = db.table<OutboxRow, number>(OUTBOX);
  const candidates =
    afterSeq !== undefined
      ? // The next batch while the one up to afterSeq is still in flight (its rows are still pending).
        await readAfter(outbox, afterSeq, max, includeAccepted)
      : includeAccepted
        ? await outbox.limit(max).toArray()
        : await outbox.where('status').equals('pending').limit(max).toArray();
  candidates.sort((a, b) => a.seq! - b.seq!);
  if (candidates.length === 0) return null;
  const ack = candidates[0]!.ack;
  const rows: OutboxRow[] = [];
  for (const r of candidates) {
    if (r.ack !== ack) break;
    rows.push(r);
  }
  return { rows, ack, changes: rows.map(toChange) };
}

/**
 * Up to `max` rows after `afterSeq` (pending only unless `includeAccepted`), in
 * key order: range reads of `max` rows (one `getAll` each) filtered here, not a
 * filtered cursor (a request per row). Rows after the last batch sent are
 * nearly all pending, so this is usually one read.
 */
async function readAfter(outbox: Table<OutboxRow, number>, afterSeq: number, max: number, includeAccepted: boolean): Promise<OutboxRow[]> {
  const out: OutboxRow[] = [];
  for (let from = afterSeq; out.length < max;) {
    const rows = await outbox.where(':id').above(from).limit(max).toArray();
    for (const r of rows) if (out.length < max && (includeAccepted || r.status === 'pending')) out.push(r);
    if (rows.length < max) break;
    from = rows.at(-1)!.seq!;
  }
  return out;
}
