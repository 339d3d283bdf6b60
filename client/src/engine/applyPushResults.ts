/**
 * Records the outcome of a push, per op (DESIGN G0):
 * - `ok`: accepted; removed, or kept as `accepted` until `replicated` when
 *   the write asked for it. A server re-stamp (`hlc`) rewrites local stamps.
 * - `indeterminate` or retryable `rejected`: stays pending and is re-sent
 *   later with the same op id.
 * - non-retryable `rejected`: moved to `_rejected` (never silently dropped),
 *   and the local record falls back to the server state plus the writes
 *   still pending.
 * Writes made through `sync.write()` (rows with a `writeId`) get their
 * outcome recorded in `_outcomes` in the same transaction, with the mode
 * the server applied and whether it was degraded or capped.
 */
import { changeToState, emptyState, mergeRecord, type AckMode, type OpResult, type RecordState, type WireError } from '@syncline/shared';
import type { Dexie } from 'dexie';
import { META, OUTBOX, OUTCOMES, PAGES, REJECTED, STATE } from '../db/internalStores.js';
import type { OutboxRow, OutcomeRow, RejectedRow, StateRow } from '../db/rows.js';
import { acceptedOutcome, addAckCounts, failedOutcome, isCapped } from '../outcomes/recordOutcome.js';
import { loadStoredStates, PageEdits, type PageRow } from '../db/pageStates.js';
import { isCompact, sameState, type StoredStateRow } from '../db/stateRows.js';
import { markFromServer } from '../middleware/transactionFlags.js';
import { countOutboxHere } from '../status/outboxCounters.js';
import { deleteOutboxRows, readOutboxRows } from '../db/outboxRows.js';
import { materializeInto, materializeMany } from './materializeInto.js';
import { rowToChange } from './readPushBatch.js';

export interface PushOutcome {
  accepted: number;
  retry: number;
  /** Error of the last op left pending for a retry. */
  retryError?: WireError;
  rejected: RejectedRow[];
  /** Ops acked `degraded`, and ops run in a weaker mode than asked (server cap). */
  degraded: number;
  capped: number;
  /** Ops now kept `accepted` until replicated, with their outbox keys (applyReplicated finds them by key). */
  kept: { opId: string; seq: number }[];
  /** Ops deleted here because a `replicated` message had already named them: nothing is left for it to do. */
  replicatedDone: string[];
  /** Stamps of the accepted record writes folded into `_state` (the server's, when it re-stamped). */
  folded: string[];
}

const NO_ANSWER: WireError = { code: 'TIMEOUT', message: 'no result for this op', retryable: true };

export async function applyPushResults(
  db: Dexie,
  rows: OutboxRow[],
  results: OpResult[],
  /** Op ids a `replicated` message named before their push ack arrived. */
  replicatedSeen: ReadonlySet<string> = new Set(),
  /** `PushReply.ack`: the mode the server applied to this batch. */
  applied?: AckMode,
): Promise<PushOutcome> {
  const byOp = new Map(results.map((r) => [r.opId, r]));
  const tables = [...new Set(rows.map((r) => r.table))];
  const outcome: PushOutcome = { accepted: 0, retry: 0, rejected: [], degraded: 0, capped: 0, kept: [], folded: [], replicatedDone: [] };
  const now = Date.now();
  const outcomes: OutcomeRow[] = [];
  await db.transaction('rw', [OUTBOX, REJECTED, STATE, PAGES, OUTCOMES, META, ...tables], async () => {
    markFromServer();
    // This apply reads every outbox row it replaces or deletes: it keeps the outbox counts itself.
    const addCounts = countOutboxHere(db);
    const outbox = db.table<OutboxRow, number>(OUTBOX);
    // Whole-batch reads and writes: one IndexedDB round trip each, not one per op; a batch's
    // rows are read with one range read (db/outboxRows.ts).
    const read = await readOutboxRows(
      outbox,
      rows.map((r) => r.seq!),
    );
    const currents = read.rows;
    const states = await loadStates(
      db,
      rows.filter((r, i) => currents[i] && byOp.get(r.opId)?.status === 'ok'),
    );
    const deletes: number[] = [];
    const updates: OutboxRow[] = [];
    const dead: RejectedRow[] = [];
    const touched = new Set<string>();
    const delta = { pending: 0, accepted: 0 };
    for (const [i, row] of rows.entries()) {
      // The row may be gone already (a `replicated` message or another round got there first).
      const current = currents[i];
      if (!current) continue;
      const res = byOp.get(row.opId) ?? { opId: row.opId, status: 'indeterminate' as const, error: NO_ANSWER };
      if (res.status === 'ok') {
        outcome.accepted += 1;
        // Counted once per op: a re-sent accepted row (reconnect) was counted on its first ok.
        if (current.status === 'pending') {
          if (res.degraded) outcome.degraded += 1;
          if (isCapped(current.ack, applied)) outcome.capped += 1;
        }
        if (acceptIntoState(states, current, res.hlc)) outcome.folded.push(res.hlc ?? current.hlc);
        const replicated = res.replicated === true || replicatedSeen.has(row.opId);
        if (current.writeId) outcomes.push(acceptedOutcome(current, res, applied, replicated, now));
        if (replicated || current.keep === 'accepted') {
          deletes.push(row.seq!);
          if (replicatedSeen.has(row.opId)) outcome.replicatedDone.push(row.opId);
          delta[current.status] -= 1;
        } else if (current.status !== 'accepted') {
          updates.push({ ...current, status: 'accepted' });
          delta.pending -= 1;
          delta.accepted += 1;
          outcome.kept.push({ opId: current.opId, seq: current.seq! });
        }
        continue;
      }
      const error = res.error ?? NO_ANSWER;
      if (res.status === 'indeterminate' || error.retryable) {
        outcome.retry += 1;
        outcome.retryError = error;
        updates.push({ ...current, attempts: current.attempts + 1, lastError: error });
        // An accepted row re-sent after a reconnect keeps its accepted outcome.
        if (current.writeId && current.status === 'pending') outcomes.push(failedOutcome(current, 'retrying', error, now));
        continue;
      }
      if (current.writeId) outcomes.push(failedOutcome(current, 'rejected', error, now));
      const row2: RejectedRow = { ...current, rejectedAt: Date.now(), error };
      dead.push(row2);
      deletes.push(row.seq!);
      delta[current.status] -= 1;
      outcome.rejected.push(row2);
      touched.add(stateKey(row.table, row.id));
    }
    const changed = [...states.values()].filter((e) => e.changed);
    // A record stored in a page (db/pageStates.ts) moves to `_state`: its page entry goes.
    const moved = new PageEdits();
    for (const e of changed) moved.drop(e.page, e.row.table, e.row.id);
    // Issued together, waited for once (requests of one transaction run in issue order).
    await Promise.all([
      changed.length ? db.table<StateRow, [string, string]>(STATE).bulkPut(changed.map((e) => e.row)) : undefined,
      moved.store(db.table<PageRow, number>(PAGES)),
      materializeMany(
        db,
        changed.filter((e) => e.restamped).map((e) => ({ table: e.row.table, id: e.row.id, state: e.row.state })),
      ),
      dead.length ? db.table<RejectedRow, number>(REJECTED).bulkPut(dead) : undefined,
      deleteOutboxRows(outbox, deletes, read),
      updates.length ? outbox.bulkPut(updates) : undefined,
      outcomes.length ? db.table<OutcomeRow, string>(OUTCOMES).bulkPut(outcomes) : undefined,
    ]);
    await addCounts(delta);
    await addAckCounts(db, outcome);
    // After the deletes above: the local view is rebuilt from what is still pending.
    for (const key of touched) {
      const [table, id] = JSON.parse(key) as [string, string];
      await rebuildLocalState(db, table, id);
    }
  });
  return outcome;
}

interface StateEntry {
  row: StateRow;
  /** The page row it was stored in, if not `_state`. */
  page?: PageRow;
  changed: boolean;
  /** A server re-stamp moved local stamps: the app table must show the new state. */
  restamped: boolean;
}

const stateKey = (table: string, id: string) => JSON.stringify([table, id]);

/**
 * The `_state` rows of these outbox rows (yjs rows have none), keyed by stateKey. Rows written locally
 * (nearly all of a catch-up's) are full `_state` rows: one bulkGet finds them; only keys without a
 * full row (none, or a compact one, or a page entry: db/pageStates.ts) go through the page-state lookup.
 */
async function loadStates(db: Dexie, rows: OutboxRow[]): Promise<Map<string, StateEntry>> {
  const keys = [...new Set(rows.filter((r) => r.kind !== 'yjs').map((r) => stateKey(r.table, r.id)))];
  const pairs = keys.map((k) => JSON.parse(k) as [string, string]);
  const out = new Map<string, StateEntry>();
  if (keys.length === 0) return out;
  const direct = await db.table<StoredStateRow, [string, string]>(STATE).bulkGet(pairs);
  const rest: number[] = [];
  direct.forEach((row, i) => {
    if (row && !isCompact(row)) out.set(keys[i]!, { row, changed: false, restamped: false });
    else rest.push(i);
  });
  if (rest.length === 0) return out;
  const found = await loadStoredStates(
    db,
    rest.map((i) => pairs[i]!),
  );
  rest.forEach((i, j) => {
    const row = found[j]?.row;
    if (row) out.set(keys[i]!, { row, changed: false, restamped: false, ...(found[j]!.page ? { page: found[j]!.page } : {}) });
  });
  return out;
}

/** Folds an accepted write into the server view, moving its stamps if the server re-stamped it. */
function acceptIntoState(states: Map<string, StateEntry>, row: OutboxRow, serverHlc: string | undefined): boolean {
  const entry = states.get(stateKey(row.table, row.id));
  if (!entry) return false;
  const st = entry.row;
  const stamp = serverHlc ?? row.hlc;
  const accepted = changeToState({ ...rowToChange(row), hlc: stamp });
  let local = st.state;
  if (stamp !== row.hlc) local = restamp(local, row.hlc, stamp);
  const server = mergeRecord(st.server, accepted);
  const state = mergeRecord(local, accepted);
  // No other pending write shows in the local view (the usual case): both views are stored as one
  // object, which IndexedDB's structured clone writes once (a back-reference for the second).
  entry.row = { ...st, server, state: sameState(state, server) ? server : state };
  entry.changed = true;
  if (stamp !== row.hlc) entry.restamped = true;
  return true;
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
  const [found] = await loadStoredStates(db, [[table, id]]);
  const st = found?.row;
  if (!st) return;
  const pending = await db.table<OutboxRow, number>(OUTBOX).where('[table+id]').equals([table, id]).toArray();
  let local = mergeRecord(emptyState(), st.server);
  for (const p of pending) local = mergeRecord(local, changeToState(rowToChange(p)));
  const moved = new PageEdits();
  moved.drop(found.page, table, id);
  await Promise.all([states.put({ ...st, state: local }), moved.store(db.table<PageRow, number>(PAGES))]);
  await materializeInto(db.table(table), id, local);
}
