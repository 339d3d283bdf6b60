/**
 * Anti-entropy from the op logs. To repair a target node, every other up
 * node (source) is read from the target's repair cursor for that source
 * (stored in the target's own meta, so it survives restarts and is shared by
 * every server using the node), and the ops the target misses are applied
 * (applyBatch is idempotent). The cursor moves only after the ops are
 * applied, so a crash mid-repair re-reads, never skips.
 *
 * Cheap in steady state (issue 14): a pass reads the source's op *ids* first
 * (`readOpIds`), skips the ones this server saw reach every node
 * (ReplicationTracker.onEveryNode), asks the target (`hasOps`) only about the
 * rest, and fetches full ops (`readOpLog`) only for a page where the target
 * misses some. The memory is not used for a target without a stored cursor
 * (new, or replaced by an empty node) nor after a node went down (the
 * tracker forgets then), so such a target is checked op by op. The cursor is
 * stored after a page that applied ops, every `saveEvery` pages and at the
 * end: each store is a durable commit on the target.
 *
 * Repairing a node also pushes its own ops to the others (the reverse
 * direction), e.g. async writes that only reached a primary that then failed.
 */
import type { OpIdPage, StoredOp } from '../storage/StorageNode.js';
import type { NodeEntry, NodeSet } from './NodeSet.js';
import type { NodeCall } from './callNode.js';
import type { ReplicationTracker } from './ReplicationTracker.js';
import type { ReplicationEvents } from './ReplicationEvents.js';

export const cursorKey = (sourceId: string): string => `repair.cursor.${sourceId}`;

export interface RepairStats {
  /** Ops applied to a node by repair (it did not have them). */
  repairedOps: number;
  /** Log entries (op ids) read from peers by repair. */
  scannedOps: number;
  /** Of those, op ids looked up on the target (`hasOps`): the ones not known to be on every node. */
  checkedOps: number;
  /** Full ops read from peers' logs (pages where the target missed some). */
  fetchedOps: number;
  /** A source's log was shorter than the cursor (a replaced node): restarted from 0. */
  cursorRestarts: number;
}

export class Repairer {
  readonly stats: RepairStats = { repairedOps: 0, scannedOps: 0, checkedOps: 0, fetchedOps: 0, cursorRestarts: 0 };

  constructor(
    private readonly nodes: NodeSet,
    private readonly call: NodeCall,
    private readonly tracker: ReplicationTracker,
    private readonly pageSize = 500,
    private readonly events?: ReplicationEvents,
    private readonly saveEvery = 10,
  ) {}

  /** Bring `target` up to the union of the up nodes, then push its ops to them. Returns false if it failed. */
  async repairNode(target: NodeEntry): Promise<boolean> {
    if (target.state !== 'up') return false;
    const sources = this.nodes.up().filter((e) => e !== target);
    const epoch = target.epoch;
    target.repairing = true;
    target.repairProgress = 0;
    // A stale node (back from down/maintenance) is a repair worth a line; the periodic
    // anti-entropy pass over current nodes is logged only if it found something.
    const wasStale = target.stale;
    const startedAt = Date.now();
    const opsBefore = this.stats.repairedOps;
    if (wasStale) this.events?.repairStarted(target.node.id);
    let ok = false;
    try {
      // A source that fails is marked down and skipped; a target that fails ends the repair.
      const planned = await Promise.all(sources.map((s) => this.plan(s, target).catch(() => null)));
      if (target.state !== 'up') return false;
      const plan = planned.filter((p) => p !== null);
      const total = plan.reduce((sum, p) => sum + p.estimate, 0);
      let done = 0;
      for (const p of plan) {
        const ok = await this.copy(p, target, (n) => {
          done += n;
          target.repairProgress = total === 0 ? 1 : Math.min(1, done / total);
        });
        if (!ok && target.state !== 'up') return false;
      }
      // If the target went down meanwhile (and came back), writes may have missed it: stay stale.
      if (target.epoch !== epoch) return false;
      target.stale = false;
      target.repairProgress = 1;
      // Reverse direction: what only the target has goes to every other up node.
      for (const other of this.nodes.up()) {
        if (other === target) continue;
        const from = await this.plan(target, other).catch(() => null);
        if (from) await this.copy(from, other, () => {});
      }
      ok = true;
      return true;
    } catch {
      return false;
    } finally {
      target.repairing = false;
      const ops = this.stats.repairedOps - opsBefore;
      if (wasStale || ops > 0) this.events?.repairFinished(target.node.id, ops, Date.now() - startedAt, ok);
    }
  }

  private async plan(source: NodeEntry, target: NodeEntry): Promise<Plan> {
    const saved = await this.call(target, 'getMeta', (n) => n.getMeta(cursorKey(source.node.id)));
    let from = saved === undefined ? 0 : Number(saved) || 0;
    const count = await this.call(source, 'opCount', (n) => n.opCount());
    let restarted = false;
    if (from > count) {
      // The source's log is shorter than our position: it was replaced. Re-read it all.
      this.stats.cursorRestarts++;
      from = 0;
      restarted = true;
    }
    // A target without a cursor (new, or replaced by an empty node) is checked op by op.
    const stored = saved !== undefined && !restarted;
    return { source, from, estimate: Math.max(0, count - from), stored, useMemory: stored };
  }

  /** Copies source's log after `from` into target. False if a node failed. */
  private async copy(plan: Plan, target: NodeEntry, progress: (n: number) => void): Promise<boolean> {
    const { source, useMemory } = plan;
    let cursor = plan.from;
    let saved = plan.from;
    let pages = 0;
    try {
      for (;;) {
        if (source.state !== 'up' || target.state !== 'up') return false;
        const page = await this.readIds(source, cursor);
        const n = page.opIds.length;
        let applied = false;
        if (n > 0) {
          this.stats.scannedOps += n;
          const unknown = useMemory ? page.opIds.filter((id) => !this.tracker.onEveryNode(id)) : page.opIds;
          if (unknown.length > 0) {
            this.stats.checkedOps += unknown.length;
            const have = await this.call(target, 'hasOps', (t) => t.hasOps(unknown));
            const missing = new Set(unknown.filter((id) => !have.has(id)));
            if (missing.size > 0) {
              const ops = await this.fetch(source, cursor, page, missing);
              if (ops.length > 0) await this.call(target, 'applyBatch', (t) => t.applyBatch(ops));
              this.stats.repairedOps += ops.length;
              applied = true;
            }
            this.tracker.arrived(target.node.id, unknown);
          }
        }
        cursor = page.lastLogSeq;
        pages++;
        const last = !page.hasMore || n === 0;
        // A target gets a cursor even for an empty log: that is what lets later passes use the memory.
        if ((cursor !== saved || !plan.stored) && (applied || last || pages % this.saveEvery === 0)) {
          await this.call(target, 'setMeta', (t) => t.setMeta(cursorKey(source.node.id), String(cursor)));
          saved = cursor;
          plan.stored = true;
        }
        progress(n);
        if (last) return true;
      }
    } catch {
      return false;
    }
  }

  /** A page of the source's op ids after `cursor` (with the ops, if the source cannot list ids alone). */
  private async readIds(source: NodeEntry, cursor: number): Promise<IdPage> {
    if (source.node.readOpIds) return this.call(source, 'readOpIds', (s) => s.readOpIds!(cursor, this.pageSize));
    const page = await this.call(source, 'readOpLog', (s) => s.readOpLog(cursor, this.pageSize));
    this.stats.fetchedOps += page.ops.length;
    return { opIds: page.ops.map((o) => o.op.opId), lastLogSeq: page.lastLogSeq, hasMore: page.hasMore, ops: page.ops.map((o) => o.op) };
  }

  /** The ops of `page` (read after `cursor`) whose ids are in `ids`. */
  private async fetch(source: NodeEntry, cursor: number, page: IdPage, ids: ReadonlySet<string>): Promise<StoredOp[]> {
    let ops = page.ops;
    if (!ops) {
      // The log only grows at its end: the first n entries after the cursor are the page's.
      const full = await this.call(source, 'readOpLog', (s) => s.readOpLog(cursor, page.opIds.length));
      this.stats.fetchedOps += full.ops.length;
      ops = full.ops.filter((o) => o.logSeq <= page.lastLogSeq).map((o) => o.op);
    }
    return ops.filter((o) => ids.has(o.opId));
  }
}

interface Plan {
  source: NodeEntry;
  from: number;
  estimate: number;
  /** Whether the target holds a cursor for this source. */
  stored: boolean;
  /** Whether ops the tracker saw on every node may be skipped (the target has a stored cursor). */
  useMemory: boolean;
}

interface IdPage extends OpIdPage {
  ops?: StoredOp[];
}
