/**
 * The ordered nodes and what the replicator knows about each: up, down
 * (last contact failed) or in maintenance (taken out by an operator), and
 * whether it must be repaired before it counts as up to date.
 *
 * The primary is the first node that is up, preferring nodes that are not
 * waiting for repair: a node that just came back may miss recent writes, so
 * it serves reads and takes the primary role only once repaired. If every up
 * node is stale (e.g. at start-up) the first up node is primary.
 */
import type { StorageNode } from '../storage/StorageNode.js';
import type { NodeHealth } from './types.js';

export interface NodeEntry {
  readonly node: StorageNode;
  state: NodeHealth['state'];
  /** Came back, was in maintenance, or is new: may miss ops until repaired. */
  stale: boolean;
  repairing: boolean;
  repairProgress: number;
  lagOps: number;
  /** Op count last read from the node, to estimate the lag of a node that cannot be asked. */
  lastOpCount?: number;
  lastError?: string;
  /** Bumped whenever the node goes down or into maintenance, so a repair that overlapped that does not clear `stale`. */
  epoch: number;
}

export class NodeSet {
  readonly entries: readonly NodeEntry[];
  /** Called when a node becomes up again or leaves maintenance (to repair it). */
  onRejoin: (entry: NodeEntry) => void = () => {};
  /** Called on every state change, for logs. */
  onState: (entry: NodeEntry, change: 'down' | 'up' | 'maintenance-in' | 'maintenance-out') => void = () => {};

  constructor(nodes: readonly StorageNode[]) {
    if (nodes.length === 0) throw new Error('Replicator needs at least one storage node');
    const ids = new Set(nodes.map((n) => n.id));
    if (ids.size !== nodes.length) throw new Error('storage node ids must be unique');
    // Every node starts stale: we do not know what it missed while we were not running.
    this.entries = nodes.map((node) => ({ node, state: 'up', stale: true, repairing: false, repairProgress: 0, lagOps: 0, epoch: 0 }));
  }

  get size(): number {
    return this.entries.length;
  }

  get(id: string): NodeEntry {
    const e = this.entries.find((x) => x.node.id === id);
    if (!e) throw new Error(`unknown storage node "${id}"`);
    return e;
  }

  /** Nodes that take writes now (up, not in maintenance), in configured order. */
  up(): NodeEntry[] {
    return this.entries.filter((e) => e.state === 'up');
  }

  primary(): NodeEntry | undefined {
    const up = this.up();
    return up.find((e) => !e.stale) ?? up[0];
  }

  markDown(entry: NodeEntry, err: unknown): void {
    entry.lastError = err instanceof Error ? err.message : String(err);
    if (entry.state === 'up') {
      entry.state = 'down';
      entry.stale = true;
      entry.epoch++;
      this.onState(entry, 'down');
    }
  }

  /** A ping succeeded: a down node is back, stale until repaired. */
  markReachable(entry: NodeEntry): void {
    if (entry.state !== 'down') return;
    entry.state = 'up';
    entry.stale = true;
    this.onState(entry, 'up');
    this.onRejoin(entry);
  }

  setMaintenance(id: string, on: boolean): void {
    const e = this.get(id);
    if (on) {
      if (e.state !== 'maintenance') this.onState(e, 'maintenance-in');
      e.state = 'maintenance';
      e.stale = true;
      e.epoch++;
    } else if (e.state === 'maintenance') {
      e.state = 'up';
      e.stale = true;
      this.onState(e, 'maintenance-out');
      this.onRejoin(e);
    }
  }

  health(): NodeHealth[] {
    const primary = this.primary();
    return this.entries.map((e) => {
      const h: NodeHealth = {
        id: e.node.id,
        state: e.state,
        primary: e === primary,
        lagOps: e.lagOps,
        repairing: e.repairing || (e.stale && e.state === 'up'),
        // A node that is down or out cannot be known to be current: report it
        // as not repaired rather than as fully caught up.
        repairProgress: e.state !== 'up' ? 0 : e.stale ? e.repairProgress : 1,
      };
      if (e.lastError !== undefined) h.lastError = e.lastError;
      return h;
    });
  }
}
