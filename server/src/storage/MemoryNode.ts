/**
 * An in-memory StorageNode for unit tests (never for deployments: nothing
 * is durable). It runs the same `planBatch` as the real nodes and stores
 * states as JSON text, so callers can never alias stored data.
 *
 * `setDown(true)` makes every call fail with STORAGE_ERROR, to simulate an
 * unreachable node in replicator tests.
 */
import { recordKey, SyncError, type DocRow, type PullOnly, type RecordRow } from '@syncline/shared';
import type { ApplyOutcome, DocToCompact, OpIdPage, OpLogPage, PullPage, StorageNode, StoredOp } from './StorageNode.js';
import { YJS_OP_PREFIX, computeDigest } from './digest.js';
import { decodeOp } from './opCodec.js';
import { planBatch } from './planBatch.js';
import { checkPullArgs, pullScope, toPullPage } from './pullPage.js';
import { parseState } from './stateCodec.js';

interface MemRecord {
  space: string;
  table: string;
  id: string;
  stateJson: string;
  seq: number;
}

export class MemoryNode implements StorageNode {
  private readonly records = new Map<string, MemRecord>();
  private readonly docs: DocRow[] = [];
  private readonly log: { opId: string; opJson: string }[] = [];
  private readonly opIds = new Set<string>();
  private readonly meta = new Map<string, string>();
  private seq = 0;
  private opened = false;
  private down = false;

  /** `beforeCommit` (tests): called after planning a batch, before it is applied; throwing aborts it. */
  constructor(
    readonly id: string = 'memory',
    private readonly opts: { beforeCommit?: () => void } = {},
  ) {}

  setDown(down: boolean): void {
    this.down = down;
  }

  async open(): Promise<void> {
    this.opened = true;
  }

  async close(): Promise<void> {
    this.opened = false;
  }

  async applyBatch(ops: StoredOp[]): Promise<ApplyOutcome[]> {
    this.check();
    const plan = planBatch(ops, {
      isKnown: (opId) => this.opIds.has(opId),
      storedHlc: (opId) => {
        const logged = this.log.find((o) => o.opId === opId);
        return logged ? (JSON.parse(logged.opJson) as { hlc?: string }).hlc : undefined;
      },
      loadState: (space, table, id) => this.records.get(recordKey(space, table, id))?.stateJson,
      lastSeq: this.seq,
    });
    // The plan's JSON is computed on first read (planBatch): read it all
    // before mutating, so a value that cannot be serialized leaves the node untouched.
    const records = plan.records.map((r) => ({ space: r.space, table: r.table, id: r.id, stateJson: r.stateJson, seq: r.seq }));
    const logged = plan.ops.map((o) => ({ opId: o.opId, opJson: o.opJson }));
    this.opts.beforeCommit?.();
    // Nothing above mutated the node, so a throw there leaves it untouched.
    for (const r of records) this.records.set(recordKey(r.space, r.table, r.id), r);
    for (const d of plan.docs) this.docs.push({ space: d.space, doc: d.doc, update: d.update.slice(), seq: d.seq });
    for (const o of logged) {
      this.log.push(o);
      this.opIds.add(o.opId);
    }
    this.seq = plan.lastSeq;
    return plan.outcomes;
  }

  async pull(space: string, afterSeq: number, limit: number, only?: PullOnly): Promise<PullPage> {
    this.check();
    checkPullArgs(afterSeq, limit);
    const scope = pullScope(only);
    const records: RecordRow[] = [...this.records.values()]
      .filter((r) => scope.records && r.space === space && r.seq > afterSeq)
      .sort((a, b) => a.seq - b.seq)
      .slice(0, limit + 1)
      .map((r) => ({ space: r.space, table: r.table, id: r.id, state: parseState(r.stateJson), seq: r.seq }));
    const docs = this.docs
      .filter((d) => scope.docs && d.space === space && d.seq > afterSeq && (scope.doc === undefined || d.doc === scope.doc))
      .slice(0, limit + 1)
      .map((d) => ({ ...d, update: d.update.slice() }));
    return toPullPage(records, docs, afterSeq, limit);
  }

  async readOpLog(afterLogSeq: number, limit: number): Promise<OpLogPage> {
    this.check();
    checkPullArgs(afterLogSeq, limit);
    const slice = this.log.slice(afterLogSeq, afterLogSeq + limit);
    const ops = slice.map((o, i) => ({ logSeq: afterLogSeq + i + 1, op: decodeOp(o.opJson) }));
    return {
      ops,
      lastLogSeq: afterLogSeq + ops.length,
      hasMore: afterLogSeq + ops.length < this.log.length,
    };
  }

  async readOpIds(afterLogSeq: number, limit: number): Promise<OpIdPage> {
    this.check();
    checkPullArgs(afterLogSeq, limit);
    const opIds = this.log.slice(afterLogSeq, afterLogSeq + limit).map((o) => o.opId);
    return { opIds, lastLogSeq: afterLogSeq + opIds.length, hasMore: afterLogSeq + opIds.length < this.log.length };
  }

  async hasOps(opIds: string[]): Promise<Set<string>> {
    this.check();
    return new Set(opIds.filter((id) => this.opIds.has(id)));
  }

  async opCount(): Promise<number> {
    this.check();
    return this.log.length;
  }

  async digest(): Promise<string> {
    this.check();
    return computeDigest(
      this.records.values(),
      this.opIds,
      this.log.filter((o) => o.opJson.startsWith(YJS_OP_PREFIX)),
    );
  }

  async getMeta(key: string): Promise<string | undefined> {
    this.check();
    return this.meta.get(key);
  }

  async setMeta(key: string, value: string): Promise<void> {
    this.check();
    this.meta.set(key, value);
  }

  async ping(): Promise<void> {
    this.check();
  }

  async docsToCompact(minRows: number, limit: number): Promise<DocToCompact[]> {
    this.check();
    const counts = new Map<string, DocToCompact>();
    for (const d of this.docs) {
      const k = JSON.stringify([d.space, d.doc]);
      const c = counts.get(k) ?? { space: d.space, doc: d.doc, rows: 0 };
      c.rows += 1;
      counts.set(k, c);
    }
    return [...counts.values()].filter((c) => c.rows >= minRows).slice(0, limit);
  }

  async compactDoc(space: string, doc: string, merge: (updates: Uint8Array[]) => Uint8Array): Promise<number> {
    this.check();
    const rows = this.docs.filter((d) => d.space === space && d.doc === doc);
    if (rows.length < 2) return 0;
    const last = rows[rows.length - 1]!;
    const merged = merge(rows.map((r) => r.update));
    // Computed before any mutation: a throwing merge leaves the node untouched.
    last.update = merged;
    for (const r of rows.slice(0, -1)) this.docs.splice(this.docs.indexOf(r), 1);
    return rows.length - 1;
  }

  private check(): void {
    if (this.down) throw new SyncError('STORAGE_ERROR', `storage node ${this.id} is down`);
    if (!this.opened) throw new SyncError('STORAGE_ERROR', `storage node ${this.id} is not open`);
  }
}
