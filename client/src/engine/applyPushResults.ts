/**
 * Records the outcome of a push, per op (DESIGN G0):
 * - `ok`: accepted; removed, or kept as `accepted` until `replicated` when
 *   the write asked for it. A server re-stamp (`hlc`) rewrites local stamps.
 * - `indeterminate` or retryable `rejected`: stays pending and is re-sent
 *   later with the same op id.
 * - non-retryable `rejected`: moved to `_rejected` (never silently dropped),
 *   and the local record falls back to the server state plus the writes
 *   still pending.
 */
import { changeToState, emptyState, mergeRecord, type OpResult, type RecordState, type WireError } from '@syncline/shared';
import type { Dexie } from 'dexie';
import { OUTBOX, REJECTED, STATE } from '../db/internalStores.js';
import type { OutboxRow, RejectedRow, StateRow } from '../db/rows.js';
import { markFromServer } from '../middleware/transactionFlags.js';
import { materializeInto } from './materializeInto.js';
import { rowToChange } from './readPushBatch.js';

export interface PushOutcome {
  accepted: number;
  retry: number;
  /** Error of the last op left pending for a retry. */
  retryError?: WireError;
  rejected: RejectedRow[];
}

const NO_ANSWER: WireError = { code: 'TIMEOUT', message: 'no result for this op', retryable: true };

export async function applyPushResults(
  db: Dexie,
  rows: OutboxRow[],
  results: OpResult[],
  /** Op ids a `replicated` message named before their push ack arrived. */
  replicatedSeen: ReadonlySet<string> = new Set(),
): Promise<PushOutcome> {
  const byOp = new Map(results.map((r) => [r.opId, r]));
  const tables = [...new Set(rows.map((r) => r.table))];
  const outcome: PushOutcome = { accepted: 0, retry: 0, rejected: [] };
  await db.transaction('rw', [OUTBOX, REJECTED, STATE, ...tables], async () => {
    markFromServer();
    const outbox = db.table<OutboxRow, number>(OUTBOX);
    const touched = new Set<string>();
    for (const row of rows) {
      // The row may be gone already (a `replicated` message or another round got there first).
      const current = await outbox.get(row.seq!);
      if (!current) continue;
      const res = byOp.get(row.opId) ?? { opId: row.opId, status: 'indeterminate' as const, error: NO_ANSWER };
      if (res.status === 'ok') {
        outcome.accepted += 1;
        await acceptIntoState(db, current, res.hlc);
        if (res.replicated || replicatedSeen.has(row.opId) || current.keep === 'accepted') await outbox.delete(row.seq!);
        else if (current.status !== 'accepted') await outbox.update(row.seq!, { status: 'accepted' });
        continue;
      }
      const error = res.error ?? NO_ANSWER;
      if (res.status === 'indeterminate' || error.retryable) {
        outcome.retry += 1;
        outcome.retryError = error;
        await outbox.update(row.seq!, { attempts: current.attempts + 1, lastError: error });
        continue;
      }
      const dead: RejectedRow = { ...current, rejectedAt: Date.now(), error };
      await db.table<RejectedRow, number>(REJECTED).put(dead);
      await outbox.delete(row.seq!);
      outcome.rejected.push(dead);
      touched.add(JSON.stringify([row.table, row.id]));
    }
    for (const key of touched) {
      const [table, id] = JSON.parse(key) as [string, string];
      await rebuildLocalState(db, table, id);
    }
  });
  return outcome;
}

/** Folds an accepted write into the server view, moving its stamps if the server re-stamped it. */
async function acceptIntoState(db: Dexie, row: OutboxRow, serverHlc: string | undefined): Promise<void> {
  const states = db.table<StateRow, [string, string]>(STATE);
  const st = await states.get([row.table, row.id]);
  if (!st) return;
  const stamp = serverHlc ?? row.hlc;
  const accepted = changeToState({ ...rowToChange(row), hlc: stamp });
  let local = st.state;
  if (stamp !== row.hlc) local = restamp(local, row.hlc, stamp);
  await states.put({ ...st, server: mergeRecord(st.server, accepted), state: mergeRecord(local, accepted) });
  if (stamp !== row.hlc) await materializeInto(db.table(row.table), row.id, mergeRecord(local, accepted));
}

function restamp(state: RecordState, from: string, to: string): RecordState {
  const out: RecordState = { fields: { ...state.fields } };
  for (const [name, f] of Object.entries(out.fields)) if (f.t === from) out.fields[name] = { ...f, t: to };
  if (state.del !== undefined) out.del = state.del === from ? to : state.del;
  return out;
}

/** Local view = server view joined with the writes still in the outbox. */
async function rebuildLocalState(db: Dexie, table: string, id: string): Promise<void> {
  const states = db.table<StateRow, [string, string]>(STATE);
  const st = await states.get([table, id]);
  if (!st) return;
  const pending = await db.table<OutboxRow, number>(OUTBOX).where('[table+id]').equals([table, id]).toArray();
  let local = mergeRecord(emptyState(), st.server);
  for (const p of pending) local = mergeRecord(local, changeToState(rowToChange(p)));
  await states.put({ ...st, state: local });
  await materializeInto(db.table(table), id, local);
}
