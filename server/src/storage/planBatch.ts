/**
 * The one place that decides what a batch does, shared by every node so
 * their semantics cannot drift: which ops are duplicates, the merged record
 * states, which rows change, and the seqs they get. A node runs it inside
 * its write transaction (with writers serialized) and then writes the plan.
 */
import { changeToState, compactState, emptyState, mergeRecord, type RecordState } from '@syncline/shared';
import type { ApplyOutcome, StoredOp } from './StorageNode.js';
import { encodeOp, validateOp } from './opCodec.js';
import { parseState, stringifyState } from './stateCodec.js';
import { sharesCaches } from './nodeSharing.js';

export interface PlannedRecord {
  space: string;
  table: string;
  id: string;
  state: RecordState;
  stateJson: string;
  seq: number;
  /** Index in the batch of the op that last changed the record. */
  opIndex: number;
  /** Index in the plan's `ops` of that op. */
  logIndex: number;
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
  /** Newly applied ops in batch order, as stored JSON (computed on first read). */
  ops: { readonly opId: string; readonly opJson: string }[];
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
  /** Index in the plan's ops of the op at lastChange. */
  lastLog: number;
  /** Whether `state` differs from the empty one (kept once lastChange >= 0). */
  content: boolean;
}

/**
 * A record's key within a batch (and SqliteNode's maps of one batch): names
 * cannot hold NUL (validateOp), so NUL-joined names are unambiguous, and
 * cheaper than `recordKey`'s JSON.
 */
export function batchKey(space: string, table: string, id: string): string {
  return `${space}\u0000${table}\u0000${id}`;
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
const fromEmpty = new WeakMap<object, { state: RecordState; content: boolean }>();

/**
 * An applied op as the plan logs it: its stored JSON is computed on first
 * read (a SQLite node elides most puts and never needs it). A class, not a
 * literal with a getter and a closure per op (issue 14: fewer allocations).
 */
class LoggedOp {
  private json: string | undefined;
  constructor(readonly op: StoredOp) {}
  get opId(): string {
    return this.op.opId;
  }
  get opJson(): string {
    return (this.json ??= encodeOp(this.op));
  }
}

/**
 * Canonical JSON is only computed where it decides something: a record's
 * first change after it was absent is a change iff the merged state is not
 * empty, and a SQLite node stores the compact form, so the common write (a
 * put of a new record) needs no canonical JSON at all on such a node.
 * Answers in `merged` (one object reused: no allocation per op); `json` and
 * `content` are set when known.
 */
const merged: { state: RecordState; json: string | undefined; content: boolean | undefined } = {
  state: emptyState(),
  json: undefined,
  content: undefined,
};
function mergeOp(op: Extract<StoredOp, { kind: 'put' | 'delete' }>, logged: LoggedOp, cur: Touched, share: boolean): typeof merged {
  merged.json = undefined;
  merged.content = undefined;
  // The record is still empty (absent, and no op of this batch changed it).
  const fresh = cur.lastChange < 0 && cur.originalJson === undefined;
  if (fresh) {
    const hit = share ? fromEmpty.get(op) : undefined;
    if (hit) {
      merged.state = hit.state;
      merged.content = hit.content;
      return merged;
    }
    // Merging into the empty state gives the op's own state (mergeRecord
    // copies it), compacted as below.
    const state = compactState(changeToState(op));
    const content = hasContent(state);
    if (share) fromEmpty.set(op, { state, content });
    merged.state = state;
    merged.content = content;
    return merged;
  }
  if (share) {
    const hit = lastMerge.get(op);
    if (hit && hit.fromJson === jsonOf(cur) && hit.opJson === logged.opJson) {
      merged.state = hit.state;
      merged.json = hit.json;
      return merged;
    }
  }
  // Compacting after every merge keeps stored states small and still
  // order-independent: a field hidden by a tombstone stays hidden.
  merged.state = compactState(mergeRecord(cur.state, changeToState(op)));
  return merged;
}

export function planBatch(ops: StoredOp[], ctx: PlanContext): BatchPlan {
  const share = sharesCaches();
  const outcomes: ApplyOutcome[] = new Array(ops.length);
  const logged: LoggedOp[] = [];
  // Op ids applied earlier in this batch, with their stamps (for in-batch duplicates).
  const seen = new Map<string, string | undefined>();
  const touched = new Map<string, Touched>();
  const docs: (Omit<PlannedDoc, 'seq'> & { index: number })[] = [];

  for (let index = 0; index < ops.length; index++) {
    const op = ops[index]!;
    validateOp(op, index, share);
    const opId = op.opId;
    if (seen.has(opId) || ctx.isKnown(opId)) {
      const hlc = seen.has(opId) ? seen.get(opId) : ctx.storedHlc?.(opId);
      outcomes[index] = hlc === undefined ? { opId, status: 'duplicate' } : { opId, status: 'duplicate', hlc };
      continue;
    }
    seen.set(opId, op.kind === 'yjs' ? undefined : op.hlc);
    const log = new LoggedOp(op);
    logged.push(log);
    outcomes[index] = { opId, status: 'applied' };
    if (op.kind === 'yjs') {
      docs.push({ space: op.space, doc: op.doc, update: op.update, opId, index });
      continue;
    }
    const key = batchKey(op.space, op.table, op.id);
    let cur = touched.get(key);
    if (!cur) {
      const stored = ctx.loadState(op.space, op.table, op.id);
      const state = stored === undefined ? emptyState() : parseState(stored);
      cur = {
        space: op.space,
        table: op.table,
        id: op.id,
        state,
        json: stored ?? EMPTY_JSON,
        originalJson: stored,
        lastChange: -1,
        lastLog: -1,
        content: false,
      };
      touched.set(key, cur);
    }
    const next = mergeOp(op, log, cur, share);
    const state = next.state;
    let json = next.json;
    let changed: boolean;
    let content: boolean;
    if (next.content !== undefined) {
      content = changed = next.content; // cur is still the empty state
    } else {
      const fromJson = jsonOf(cur);
      json ??= stringifyState(state);
      if (share) lastMerge.set(op, { fromJson, opJson: log.opJson, state, json });
      changed = json !== fromJson;
      content = json !== EMPTY_JSON;
    }
    if (changed) {
      cur.state = state;
      cur.json = json;
      cur.content = content;
      cur.lastChange = index;
      cur.lastLog = logged.length - 1;
    }
  }

  // Seqs are handed out once per changed row, in the order of the op that
  // last changed it, so a batch's rows get consecutive seqs.
  const recs: Touched[] = [];
  let sorted = true;
  for (const t of touched.values())
    if (t.lastChange >= 0 && (t.originalJson === undefined ? t.content : jsonOf(t) !== t.originalJson)) {
      if (recs.length > 0 && recs[recs.length - 1]!.lastChange > t.lastChange) sorted = false;
      recs.push(t);
    }
  if (!sorted) recs.sort((a, b) => a.lastChange - b.lastChange);

  let seq = ctx.lastSeq;
  const records: PlannedRecord[] = [];
  const plannedDocs: PlannedDoc[] = [];
  // Docs are in batch order already: merge the two ordered lists.
  let d = 0;
  for (const t of recs) {
    for (; d < docs.length && docs[d]!.index < t.lastChange; d++) plannedDocs.push(plannedDoc(docs[d]!, ++seq));
    records.push(new PlannedRow(t, ++seq));
  }
  for (; d < docs.length; d++) plannedDocs.push(plannedDoc(docs[d]!, ++seq));
  return { outcomes, records, docs: plannedDocs, ops: logged, lastSeq: seq };
}

function plannedDoc({ space, doc, update, opId }: Omit<PlannedDoc, 'seq'>, seq: number): PlannedDoc {
  return { space, doc, update, opId, seq };
}

/** A PlannedRecord whose canonical JSON is computed on first read (a class: no getter per object). */
class PlannedRow implements PlannedRecord {
  readonly space: string;
  readonly table: string;
  readonly id: string;
  readonly state: RecordState;
  readonly opIndex: number;
  readonly logIndex: number;
  constructor(
    private readonly t: Touched,
    readonly seq: number,
  ) {
    this.space = t.space;
    this.table = t.table;
    this.id = t.id;
    this.state = t.state;
    this.opIndex = t.lastChange;
    this.logIndex = t.lastLog;
  }
  get stateJson(): string {
    return jsonOf(this.t);
  }
}
