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
 */
import type { ReplicatedListener } from './types.js';

export class ReplicationTracker {
  private readonly waiting = new Map<string, Set<string>>();
  private readonly listeners = new Set<ReplicatedListener>();
  forgotten = 0;

  constructor(private readonly maxTracked = 100_000) {}

  get size(): number {
    return this.waiting.size;
  }

  listen(listener: ReplicatedListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Start tracking ops that still miss these nodes. */
  track(opIds: readonly string[], missingNodes: readonly string[]): void {
    for (const id of opIds) if (!this.waiting.has(id)) this.waiting.set(id, new Set(missingNodes));
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
      const missing = this.waiting.get(id);
      if (!missing) continue;
      missing.delete(nodeId);
      if (missing.size === 0) {
        this.waiting.delete(id);
        done.push(id);
      }
    }
    if (done.length > 0) this.emit(done);
  }

  /**
   * Acked-or-in-flight ops whose every holder is unreachable now: e.g. async
   * writes whose primary died before replicating. If those nodes never come
   * back, these ops are lost; this count makes that visible, never silent.
   */
  atRisk(configured: readonly string[], up: ReadonlySet<string>): number {
    let n = 0;
    for (const missing of this.waiting.values()) {
      if (!configured.some((id) => !missing.has(id) && up.has(id))) n++;
    }
    return n;
  }

  /** Ops still missing on `nodeId` (oldest first, at most `limit`). */
  missing(nodeId: string, limit: number): string[] {
    const out: string[] = [];
    for (const [id, nodes] of this.waiting) {
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
