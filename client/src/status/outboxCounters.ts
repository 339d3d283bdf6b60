/**
 * Keeps the outbox's per-status counts in `_meta` (`outboxCounts`), updated
 * in the transaction of every `_outbox` write, so the status reads two
 * numbers instead of counting the outbox's `status` index after every
 * change (a count walks the whole range: with n writes queued one per
 * transaction, the status cost grew as n²).
 *
 * A DBCore middleware on `_outbox` (every writer: the recording middleware,
 * the engine in this thread or in the Worker, `flush`, documents): it reads
 * the rows a put or delete replaces, lets the write through, and adds the
 * difference. Read-write transactions on `_outbox` are widened to `_meta`.
 * A database without the row (made before the counters) is counted once,
 * at its first outbox write; until then readOutboxStats counts.
 */
import {
  Dexie,
  type DBCore,
  type DBCoreMutateRequest,
  type DBCoreMutateResponse,
  type DBCoreRangeType,
  type DBCoreTable,
  type DBCoreTransaction,
  type Middleware,
} from 'dexie';
import { META, OUTBOX } from '../db/internalStores.js';
import type { MetaRow, OutboxRow } from '../db/rows.js';

export const OUTBOX_COUNTS_KEY = 'outboxCounts';

export interface OutboxCounts {
  pending: number;
  accepted: number;
}

export function readOutboxCounts(row: MetaRow | undefined): OutboxCounts | null {
  const v = row?.value as Partial<OutboxCounts> | undefined;
  return typeof v?.pending === 'number' && typeof v.accepted === 'number' ? { pending: v.pending, accepted: v.accepted } : null;
}

/** Transactions whose `_outbox` writes are counted by their writer (`countOutboxHere`), not re-read here. */
const countedByWriter = new WeakSet<object>();

/**
 * For the engine's push and replicated applies, which read every outbox
 * row they replace or delete anyway: marks the current transaction so the
 * middleware lets its `_outbox` writes through without reading the old rows
 * again (a `get` per row), and returns the function that adds the writer's
 * own delta. Call it inside a read-write transaction on `_outbox` and
 * `_meta`, before the transaction's first outbox write, and add the exact
 * delta of every outbox write it makes once they are issued.
 */
export function countOutboxHere(db: Dexie): (delta: OutboxCounts) => Promise<void> {
  const trans = Dexie.currentTransaction as unknown as { idbtrans?: object } | null;
  if (!trans?.idbtrans) throw new TypeError('Syncline: countOutboxHere must be called inside db.transaction()');
  countedByWriter.add(trans.idbtrans);
  return async (delta) => {
    if (delta.pending === 0 && delta.accepted === 0) return;
    const meta = db.table<MetaRow, string>(META);
    const now = readOutboxCounts(await meta.get(OUTBOX_COUNTS_KEY));
    const next = now
      ? { pending: now.pending + delta.pending, accepted: now.accepted + delta.accepted }
      : // A database made before the counters: count what is there once (after this transaction's writes).
        {
          pending: await db.table<OutboxRow, number>(OUTBOX).where('status').equals('pending').count(),
          accepted: await db.table<OutboxRow, number>(OUTBOX).where('status').equals('accepted').count(),
        };
    await meta.put({ key: OUTBOX_COUNTS_KEY, value: next });
  };
}

export function createOutboxCounters(): Middleware<DBCore> {
  return { stack: 'dbcore', name: 'SynclineOutboxCounters', level: 2, create: countOutbox };
}

/** The DBCore with counting on `_outbox` (also composed into the recording middleware). */
export function countOutbox(down: DBCore): DBCore {
  return {
    ...down,
    transaction(stores, mode, options) {
      const widen = mode === 'readwrite' && stores.includes(OUTBOX) && !stores.includes(META);
      return down.transaction(widen ? [...stores, META] : stores, mode, options);
    },
    table(name) {
      const table = down.table(name);
      if (name !== OUTBOX) return table;
      return { ...table, mutate: (req) => (countedByWriter.has(req.trans) ? table.mutate(req) : countedMutate(down, table, req)) };
    },
  };
}

// Written with `.then` on the DBCore's promises, not async/await: those are Dexie promises, which keep the
// transaction's zone (PSD) for the middlewares below (Dexie's cache middleware reads it); a native promise
// returned from here would lose it for the caller's next DBCore call.
function countedMutate(down: DBCore, table: DBCoreTable, req: DBCoreMutateRequest): Promise<DBCoreMutateResponse> {
  const { trans } = req;
  const count = (olds: (OutboxRow | undefined)[]) =>
    table.mutate(req).then((res) => {
      const delta: OutboxCounts = { pending: 0, accepted: 0 };
      const add = (row: OutboxRow | undefined, by: number) => {
        if (row?.status === 'pending' || row?.status === 'accepted') delta[row.status] += by;
      };
      if (req.type === 'deleteRange') for (const o of olds) add(o, -1);
      else {
        const n = req.type === 'delete' ? req.keys.length : req.values.length;
        for (let i = 0; i < n; i++) {
          if (res.failures[i]) continue;
          add(olds[i], -1);
          if (req.type !== 'delete') add(req.values[i] as OutboxRow, +1);
        }
      }
      if (delta.pending === 0 && delta.accepted === 0) return res;
      return addCounts(down, table, trans, delta).then(() => res);
    });
  if (req.type === 'add') return count([]);
  if (req.type === 'deleteRange') {
    return table
      .query({ trans, values: true, query: { index: table.schema.primaryKey, range: req.range } })
      .then((found) => count(found.result as OutboxRow[]));
  }
  if (req.type === 'delete') return table.getMany({ trans, keys: req.keys }).then((olds) => count(olds as (OutboxRow | undefined)[]));
  // put: the rows it replaces (a row without a key is new).
  const extract = table.schema.primaryKey.extractKey!;
  const keys: unknown[] = req.keys ?? req.values.map((v) => extract(v));
  const known = keys.map((k, i) => (k === undefined ? -1 : i)).filter((i) => i >= 0);
  if (known.length === 0) return count([]);
  return table.getMany({ trans, keys: known.map((i) => keys[i]) }).then((found) => {
    const olds = new Array<OutboxRow | undefined>(keys.length);
    known.forEach((i, j) => (olds[i] = found[j] as OutboxRow | undefined));
    return count(olds);
  });
}

function addCounts(down: DBCore, outbox: DBCoreTable, trans: DBCoreTransaction, delta: OutboxCounts): Promise<unknown> {
  const meta = down.table(META);
  const put = (c: OutboxCounts) =>
    meta.mutate({
      trans,
      type: 'put',
      values: [{ key: OUTBOX_COUNTS_KEY, value: { pending: c.pending, accepted: c.accepted } } satisfies MetaRow],
    });
  return meta.get({ trans, key: OUTBOX_COUNTS_KEY }).then((row) => {
    const now = readOutboxCounts(row as MetaRow | undefined);
    // First write of a database made before the counters: count what is there (this write included) once.
    if (!now) return countNow(outbox, trans).then(put);
    return put({ pending: now.pending + delta.pending, accepted: now.accepted + delta.accepted });
  });
}

function countNow(outbox: DBCoreTable, trans: DBCoreTransaction): Promise<OutboxCounts> {
  const index = outbox.schema.getIndexByKeyPath('status')!;
  const count = (status: string) =>
    outbox.count({
      trans,
      query: { index, range: { type: 1 as DBCoreRangeType /* Equal */, lower: status, upper: status, lowerOpen: false, upperOpen: false } },
    });
  return count('pending').then((pending) => count('accepted').then((accepted) => ({ pending, accepted })));
}
