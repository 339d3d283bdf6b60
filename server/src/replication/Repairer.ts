/**
 * Anti-entropy from the op logs. To repair a target node, every other up
 * node (source) is read from the target's repair cursor for that source
 * (stored in the target's own meta, so it survives restarts and is shared by
 * every server using the node), and the ops the target misses are applied
 * (applyBatch is idempotent; `hasOps` first keeps repair from rewriting what
 * the target already has). The cursor moves only after the ops are applied,
 * so a crash mid-repair re-reads, never skips.
 *
 * Repairing a node also pushes its own ops to the others (the reverse
 * direction), e.g. async writes that only reached a primary that then failed.
 */
import type { NodeEntry, NodeSet } from './NodeSet.js';
import type { NodeCall } from './callNode.js';
import type { ReplicationTracker } from './ReplicationTracker.js';
import type { ReplicationEvents } from './ReplicationEvents.js';

export const cursorKey = (sourceId: string): string => `repair.cursor.${sourceId}`;

export interface RepairStats {
  /** Ops applied to a node by repair (it did not have them). */
  repairedOps: number;
  /** Log entries read from peers by repair. */
  scannedOps: number;
  /** A source's log was shorter than the cursor (a replaced node): restarted from 0. */
  cursorRestarts: number;
}

export class Repairer {
  readonly stats: RepairStats = { repairedOps: 0, scannedOps: 0, cursorRestarts: 0 };

  constructor(
    private readonly nodes: NodeSet,
    private readonly call: NodeCall,
    private readonly tracker: ReplicationTracker,
    private readonly pageSize = 500,
    private readonly events?: ReplicationEvents,
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
        const ok = await this.copy(p.source, target, p.from, (n) => {
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
        if (from) await this.copy(target, other, from.from, () => {});
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

  private async plan(source: NodeEntry, target: NodeEntry): Promise<{ source: NodeEntry; from: number; estimate: number }> {
    const saved = await this.call(target, 'getMeta', (n) => n.getMeta(cursorKey(source.node.id)));
    let from = saved === undefined ? 0 : Number(saved) || 0;
    const count = await this.call(source, 'opCount', (n) => n.opCount());
    if (from > count) {
      // The source's log is shorter than our position: it was replaced. Re-read it all.
      this.stats.cursorRestarts++;
      from = 0;
    }
    return { source, from, estimate: Math.max(0, count - from) };
  }

  /** Copies source's log after `from` into target. False if a node failed. */
  private async copy(source: NodeEntry, target: NodeEntry, from: number, progress: (n: number) => void): Promise<boolean> {
    let cursor = from;
    try {
      for (;;) {
        if (source.state !== 'up' || target.state !== 'up') return false;
        const page = await this.call(source, 'readOpLog', (n) => n.readOpLog(cursor, this.pageSize));
        if (page.ops.length > 0) {
          const ids = page.ops.map((o) => o.op.opId);
          const have = await this.call(target, 'hasOps', (n) => n.hasOps(ids));
          const missing = page.ops.filter((o) => !have.has(o.op.opId)).map((o) => o.op);
          if (missing.length > 0) await this.call(target, 'applyBatch', (n) => n.applyBatch(missing));
          this.stats.scannedOps += page.ops.length;
          this.stats.repairedOps += missing.length;
          this.tracker.arrived(target.node.id, ids);
        }
        if (page.lastLogSeq !== cursor) {
          cursor = page.lastLogSeq;
          await this.call(target, 'setMeta', (n) => n.setMeta(cursorKey(source.node.id), String(cursor)));
        }
        progress(page.ops.length);
        if (!page.hasMore || page.ops.length === 0) return true;
      }
    } catch {
      return false;
    }
  }
}
