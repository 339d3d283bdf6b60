/**
 * An in-memory StorageNode for unit tests (never for deployments: nothing
 * is durable). It runs the same `planBatch` as the real nodes and stores
 * states as JSON text, so callers can never alias stored data.
 *
 * `setDown(true)` makes every call fail with STORAGE_ERROR, to simulate an
 * unreachable node in replicator tests.
 */
import { recordKey, SyncError, type DocRow, type RecordRow } from '@syncline/shared';
import type { ApplyOutcome, OpLogPage, PullPage, StorageNode, StoredOp } from './StorageNode.js';
import { computeDigest } from './digest.js';
import { decodeOp } from './opCodec.js';
import { planBatch } from './planBatch.js';
import { checkPullArgs, toPullPage } from './pullPage.js';
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
    this.opts.beforeCommit?.();
    // Nothing above mutated the node, so a throw there leaves it untouched.
    for (const r of plan.records)
      this.records.set(recordKey(r.space, r.table, r.id), {
        space: r.space, table: r.table, id: r.id, stateJson: r.stateJson, seq: r.seq,
      });
    for (const d of plan.docs) this.docs.push({ space: d.space, doc: d.doc, update: d.update.slice(), seq: d.seq });
    for (const o of plan.ops) {
      this.log.push(o);
      this.opIds.add(o.opId);
    }
    this.seq = plan.lastSeq;
    return plan.outcomes;
  }

  async pull(space: string, afterSeq: number, limit: number): Promise<PullPage> {
    this.check();
    checkPullArgs(afterSeq, limit);
    const records: RecordRow[] = [...this.records.values()]
      .filter((r) => r.space === space && r.seq > afterSeq)
      .sort((a, b) => a.seq - b.seq)
      .slice(0, limit + 1)
      .map((r) => ({ space: r.space, table: r.table, id: r.id, state: parseState(r.stateJson), seq: r.seq }));
    const docs = this.docs
      .filter((d) => d.space === space && d.seq > afterSeq)
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
    return computeDigest(this.records.values(), this.opIds);
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

  private check(): void {
    if (this.down) throw new SyncError('STORAGE_ERROR', `storage node ${this.id} is down`);
    if (!this.opened) throw new SyncError('STORAGE_ERROR', `storage node ${this.id} is not open`);
  }
}
