/**
 * The one place that decides what a batch does, shared by every node so
 * their semantics cannot drift: which ops are duplicates, the merged record
 * states, which rows change, and the seqs they get. A node runs it inside
 * its write transaction (with writers serialized) and then writes the plan.
 */
import { changeToState, compactState, emptyState, mergeRecord, recordKey, type RecordState } from '@syncline/shared';
import type { ApplyOutcome, StoredOp } from './StorageNode.js';
import { encodeOp, validateOp } from './opCodec.js';
import { parseState, stringifyState } from './stateCodec.js';

export interface PlannedRecord {
  space: string;
  table: string;
  id: string;
  state: RecordState;
  stateJson: string;
  seq: number;
  /** Index in the batch of the op that last changed the record. */
  opIndex: number;
}

export interface PlannedDoc {
  space: string;
  doc: string;
  update: Uint8Array;
  opId: string;
  seq: number;
}

export interface BatchPlan {
  outcomes: ApplyOutcome[];
  /** Records whose state changed, each once with its final state. */
  records: PlannedRecord[];
  docs: PlannedDoc[];
  /** Newly applied ops in batch order, as stored JSON. */
  ops: { opId: string; opJson: string }[];
  /** The node's seq after this batch. */
  lastSeq: number;
}

export interface PlanContext {
  /** Whether the op id is already in the node's log. */
  isKnown(opId: string): boolean;
  /** The HLC stamp of an op already in the log (put/delete), to report it with a duplicate. */
  storedHlc?(opId: string): string | undefined;
  /** The stored state JSON of a record, if any. */
  loadState(space: string, table: string, id: string): string | undefined;
  /** The node's seq before this batch. */
  lastSeq: number;
}

interface Touched {
  space: string;
  table: string;
  id: string;
  state: RecordState;
  /** Canonical JSON of `state`, computed only when something needs it (jsonOf). */
  json: string | undefined;
  originalJson: string | undefined;
  lastChange: number;
}

const EMPTY_JSON = stringifyState({ fields: {} });

const jsonOf = (t: { state: RecordState; json: string | undefined }): string => (t.json ??= stringifyState(t.state));

/** Whether a state differs from the empty one (its canonical JSON is not EMPTY_JSON). */
function hasContent(state: RecordState): boolean {
  if (state.del !== undefined) return true;
  for (const _ in state.fields) return true;
  return false;
}

/**
 * The replicator hands the same op objects to every node, and the nodes
 * (kept in step) mostly merge them into the same stored state; the merge and
 * its canonical JSON were then computed once per node. This remembers, per op
 * object, the last merge: reused only when both the state it was merged into
 * and the op's stored JSON are the same text, so the result is exactly what
 * merging again would give (merge depends on nothing but that content).
 */
interface LastMerge {
  fromJson: string;
  opJson: string;
  state: RecordState;
  json: string;
}
const lastMerge = new WeakMap<object, LastMerge>();

/**
 * The same for an op merged into an absent record (the common write): the
 * result depends on the op alone, and op objects are not changed after
 * validation (pinStoredStamps re-stamps by copying), so the state the first
 * node computed is the one the others would. Its JSON is not computed for
 * this at all (SQLite stores the compact form; other nodes read stateJson).
 */
const fromEmpty = new WeakMap<object, RecordState>();

/**
 * Canonical JSON is only computed where it decides something: a record's
 * first change after it was absent is a change iff the merged state is not
 * empty, and a SQLite node stores the compact form, so the common write (a
 * put of a new record) needs no canonical JSON at all on such a node.
 */
function mergeOp(op: Extract<StoredOp, { kind: 'put' | 'delete' }>, opJson: () => string, cur: Touched): { state: RecordState; json: string | undefined } {
  const fresh = cur.lastChange < 0 && cur.originalJson === undefined;
  if (fresh) {
    const state = fromEmpty.get(op);
    if (state) return { state, json: undefined };
  }
  const hit = lastMerge.get(op);
  if (hit && hit.fromJson === jsonOf(cur) && hit.opJson === opJson()) return hit;
  // Compacting after every merge keeps stored states small and still
  // order-independent: a field hidden by a tombstone stays hidden.
  const state = compactState(mergeRecord(cur.state, changeToState(op)));
  if (fresh) fromEmpty.set(op, state);
  return { state, json: undefined };
}

export function planBatch(ops: StoredOp[], ctx: PlanContext): BatchPlan {
  const outcomes: ApplyOutcome[] = [];
  const logged: BatchPlan['ops'] = [];
  // Op ids applied earlier in this batch, with their stamps (for in-batch duplicates).
  const seen = new Map<string, string | undefined>();
  const touched = new Map<string, Touched>();
  const docs: (Omit<PlannedDoc, 'seq'> & { index: number })[] = [];

  ops.forEach((op, index) => {
    validateOp(op, index);
    if (seen.has(op.opId) || ctx.isKnown(op.opId)) {
      const hlc = seen.has(op.opId) ? seen.get(op.opId) : ctx.storedHlc?.(op.opId);
      outcomes.push(hlc === undefined ? { opId: op.opId, status: 'duplicate' } : { opId: op.opId, status: 'duplicate', hlc });
      return;
    }
    seen.set(op.opId, op.kind === 'yjs' ? undefined : op.hlc);
    let encoded: string | undefined;
    const opJson = () => (encoded ??= encodeOp(op));
    logged.push({
      opId: op.opId,
      get opJson() {
        return opJson();
      },
    });
    outcomes.push({ opId: op.opId, status: 'applied' });
    if (op.kind === 'yjs') {
      docs.push({ space: op.space, doc: op.doc, update: op.update, opId: op.opId, index });
      return;
    }
    const key = recordKey(op.space, op.table, op.id);
    let cur = touched.get(key);
    if (!cur) {
      const stored = ctx.loadState(op.space, op.table, op.id);
      const state = stored === undefined ? emptyState() : parseState(stored);
      cur = { space: op.space, table: op.table, id: op.id, state, json: stored ?? EMPTY_JSON, originalJson: stored, lastChange: -1 };
      touched.set(key, cur);
    }
    const next = mergeOp(op, opJson, cur);
    let changed: boolean;
    if (next.json === undefined && cur.lastChange < 0 && cur.originalJson === undefined) {
      changed = hasContent(next.state); // cur is still the empty state
    } else {
      const fromJson = jsonOf(cur);
      next.json ??= stringifyState(next.state);
      lastMerge.set(op, { fromJson, opJson: opJson(), state: next.state, json: next.json });
      changed = next.json !== fromJson;
    }
    if (changed) {
      cur.state = next.state;
      cur.json = next.json;
      cur.lastChange = index;
    }
  });

  // Seqs are handed out once per changed row, in the order of the op that
  // last changed it, so a batch's rows get consecutive seqs.
  const rows: { index: number; rec?: Touched; doc?: (typeof docs)[number] }[] = [];
  for (const t of touched.values())
    if (t.lastChange >= 0 && (t.originalJson === undefined ? hasContent(t.state) : jsonOf(t) !== t.originalJson))
      rows.push({ index: t.lastChange, rec: t });
  for (const d of docs) rows.push({ index: d.index, doc: d });
  rows.sort((a, b) => a.index - b.index);

  let seq = ctx.lastSeq;
  const records: PlannedRecord[] = [];
  const plannedDocs: PlannedDoc[] = [];
  for (const row of rows) {
    seq += 1;
    if (row.rec) {
      const t = row.rec;
      records.push({
        space: t.space,
        table: t.table,
        id: t.id,
        state: t.state,
        get stateJson() {
          return jsonOf(t);
        },
        seq,
        opIndex: row.index,
      });
    } else if (row.doc) {
      const { space, doc, update, opId } = row.doc;
      plannedDocs.push({ space, doc, update, opId, seq });
    }
  }
  return { outcomes, records, docs: plannedDocs, ops: logged, lastSeq: seq };
}
