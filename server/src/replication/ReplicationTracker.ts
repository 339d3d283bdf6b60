/**
 * The second phase of the two-phase ack: remembers, per op written through
 * this replicator, which configured nodes do not have it yet, and tells
 * listeners once an op is on every node.
 *
 * Nodes get an op from the write itself, from background delivery, or from
 * repair (ours or another server's): `missing()` lists what to re-check with
 * `hasOps`, so an op is reported however it arrived. The set is bounded; when
 * full, the oldest ops are forgotten (they are never reported `replicated`,
 * and the `forgotten` counter says so).
 *
 * It also remembers the most recent ops it saw reach every node (bounded,
 * `maxRemembered`), so that repair need not look them up again on each node
 * (Repairer.ts). That memory is only as good as the nodes: `forgetNodes()`
 * drops it whenever a node goes down or into maintenance (it may come back
 * as another node, e.g. restored or replaced), and repair does not use it
 * for a node without a stored repair cursor.
 */
import type { ReplicatedListener } from './types.js';

export class ReplicationTracker {
  /** Per op: the nodes that miss it, and the `forgetNodes` generation it was tracked in. */
  private readonly waiting = new Map<string, { nodes: Set<string>; gen: number }>();
  private gen = 0;
  private readonly listeners = new Set<ReplicatedListener>();
  /** Ops seen on every configured node, oldest first. */
  private everywhere = new Set<string>();
  forgotten = 0;

  constructor(
    private readonly maxTracked = 100_000,
    private readonly maxRemembered = 200_000,
  ) {}

  get size(): number {
    return this.waiting.size;
  }

  listen(listener: ReplicatedListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Start tracking ops that still miss these nodes. */
  track(opIds: readonly string[], missingNodes: readonly string[]): void {
    for (const id of opIds) if (!this.waiting.has(id)) this.waiting.set(id, { nodes: new Set(missingNodes), gen: this.gen });
    while (this.waiting.size > this.maxTracked) {
      const oldest = this.waiting.keys().next().value as string;
      this.waiting.delete(oldest);
      this.forgotten++;
    }
  }

  /** Stop waiting for ops that were certainly not applied (a rejected write). */
  forget(opIds: readonly string[]): void {
    for (const id of opIds) this.waiting.delete(id);
  }

  /** `nodeId` now has these ops; reports the ones that are on every node. */
  arrived(nodeId: string, opIds: Iterable<string>): void {
    const done: string[] = [];
    for (const id of opIds) {
      const w = this.waiting.get(id);
      if (!w) continue;
      w.nodes.delete(nodeId);
      if (w.nodes.size === 0) {
        this.waiting.delete(id);
        done.push(id);
        // An arrival seen before a node went down may not hold any more: not remembered.
        if (w.gen === this.gen) this.everywhere.add(id);
      }
    }
    if (done.length > 0) {
      this.trimRemembered();
      this.emit(done);
    }
  }

  /** Whether this tracker saw the op reach every configured node (since the last `forgetNodes`). */
  onEveryNode(opId: string): boolean {
    return this.everywhere.has(opId);
  }

  /** A node went down or into maintenance: what it held before is not known any more. */
  forgetNodes(): void {
    this.everywhere = new Set();
    this.gen++;
  }

  private trimRemembered(): void {
    if (this.everywhere.size <= this.maxRemembered) return;
    // Drop the oldest quarter at once: deleting one by one from the front of a big Set is slow.
    const keep = [...this.everywhere].slice(this.everywhere.size - Math.floor(this.maxRemembered * 0.75));
    this.everywhere = new Set(keep);
  }

  /**
   * Acked-or-in-flight ops whose every holder is unreachable now: e.g. async
   * writes whose primary died before replicating. If those nodes never come
   * back, these ops are lost; this count makes that visible, never silent.
   */
  atRisk(configured: readonly string[], up: ReadonlySet<string>): number {
    let n = 0;
    for (const { nodes: missing } of this.waiting.values()) {
      if (!configured.some((id) => !missing.has(id) && up.has(id))) n++;
    }
    return n;
  }

  /** Ops still missing on `nodeId` (oldest first, at most `limit`). */
  missing(nodeId: string, limit: number): string[] {
    const out: string[] = [];
    for (const [id, { nodes }] of this.waiting) {
      if (nodes.has(nodeId)) out.push(id);
      if (out.length >= limit) break;
    }
    return out;
  }

  private emit(opIds: string[]): void {
    for (const l of this.listeners) {
      try {
        l(opIds);
      } catch {
        // A listener's bug must not break replication bookkeeping.
      }
    }
  }
}
