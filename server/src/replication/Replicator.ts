/**
 * The replicator (DESIGN §3): writes every batch to the ordered storage
 * nodes and answers per op by ack mode, keeps nodes' health, repairs nodes
 * that come back, and serves pulls from the primary.
 *
 * ```ts
 * const nodes = [new SqliteNode({ id: 'n1', path: 'a.db' }), ...];
 * for (const n of nodes) await n.open();
 * const rep = new Replicator(nodes, { mode: 'semi-sync' });
 * await rep.ready();               // first health check + repair done
 * const results = await rep.write(changes);        // one OpResult per op
 * rep.onReplicated((ids) => ...);  // second phase: on every node
 * const page = await rep.pull('space', cursor, 500);
 * await rep.close();               // the caller still closes the nodes
 * ```
 * What each mode means and the failure cases: docs/ack-modes.md.
 *
 * A facade over its parts: WritePath.ts (writes and acks), PrimaryReader.ts
 * (pulls, failover, resync), Upkeep.ts (health checks and repair) and
 * NodeSet.ts (node states).
 */
import type { AckMode, OpResult, PullOnly, PullReply } from '@syncline/shared';
import type { StorageNode, StoredOp } from '../storage/StorageNode.js';
import { NodeSet } from './NodeSet.js';
import { ReplicationTracker } from './ReplicationTracker.js';
import { Repairer } from './Repairer.js';
import { nodeCaller, type NodeCall } from './callNode.js';
import { Upkeep } from './Upkeep.js';
import { WritePath } from './WritePath.js';
import { PrimaryReader } from './PrimaryReader.js';
import { digests } from './digests.js';
import { ReplicationEvents } from './ReplicationEvents.js';
import type { NodeHealth, PullResync, ReplicatedListener, ReplicatorApi, ReplicatorOptions, ReplicatorStats } from './types.js';

export interface ReplicatorConfig extends ReplicatorOptions {
  /** A full repair pass over all node pairs every this many health ticks (default 10), keeping repair cursors fresh. */
  antiEntropyEveryTicks?: number;
  /** Most ops group-committed into one applyBatch (default 5000). */
  maxGroupOps?: number;
  /**
   * The same bound for in-thread nodes (SQLite on the server's thread, default 2000): their groups
   * run one per turn of the event loop, and a group holds the loop while it commits (docs/storage.md).
   */
  maxInThreadGroupOps?: number;
  /** Most ops queued for one node before it is marked down and left to repair (default 1 000 000). */
  maxQueuedOps?: number;
}

export class Replicator implements ReplicatorApi {
  private readonly nodes: NodeSet;
  private readonly tracker = new ReplicationTracker();
  private readonly repairer: Repairer;
  private readonly call: NodeCall;
  private readonly writes: WritePath;
  private readonly reader: PrimaryReader;
  private readonly timer: ReturnType<typeof setInterval>;
  private readonly upkeep: Upkeep;
  private readonly first: Promise<void>;
  private readonly events: ReplicationEvents;

  constructor(nodes: readonly StorageNode[], opts: ReplicatorConfig) {
    this.nodes = new NodeSet(nodes);
    this.events = new ReplicationEvents(opts.logger);
    this.nodes.onState = (e, change) => {
      // A node that went away may come back as another (replaced, restored): forget what it held.
      if (change === 'down' || change === 'maintenance-in') this.tracker.forgetNodes();
      if (change === 'down') this.events.nodeDown(e.node.id, e.lastError);
      else if (change === 'up') this.events.nodeUp(e.node.id);
      else this.events.maintenance(e.node.id, change === 'maintenance-in');
    };
    const k = opts.semiSyncReplicas ?? 1;
    if (!Number.isInteger(k) || k < 0) throw new Error('semiSyncReplicas must be a non-negative integer');
    const timeoutMs = opts.writeTimeoutMs ?? 5000;
    this.call = nodeCaller(this.nodes, timeoutMs);
    this.repairer = new Repairer(this.nodes, this.call, this.tracker, 500, this.events);
    this.writes = new WritePath(this.nodes, this.call, this.tracker, this.events, {
      mode: opts.mode,
      k,
      fallback: opts.fallback,
      timeoutMs,
      maxGroupOps: opts.maxGroupOps ?? 5000,
      maxInThreadGroupOps: opts.maxInThreadGroupOps ?? 2000,
      maxQueuedOps: opts.maxQueuedOps ?? 1_000_000,
    });
    this.reader = new PrimaryReader(this.nodes, this.call);
    this.upkeep = new Upkeep(this.nodes, this.call, this.repairer, this.tracker, timeoutMs, opts.antiEntropyEveryTicks ?? 10);
    this.nodes.onRejoin = () => void this.upkeep.repairStale();
    this.timer = setInterval(() => void this.upkeep.round(), opts.healthIntervalMs ?? 1000);
    this.timer.unref?.();
    this.first = this.upkeep.round();
  }

  /** Resolves after the first health check and repair of the nodes. */
  ready(): Promise<void> {
    return this.first;
  }

  write(ops: StoredOp[], mode?: AckMode): Promise<OpResult[]> {
    return this.writes.write(ops, mode);
  }

  onReplicated(listener: ReplicatedListener): () => void {
    return this.tracker.listen(listener);
  }

  onPrimaryCommit(listener: (ops: readonly StoredOp[]) => void): () => void {
    return this.writes.onPrimaryCommit(listener);
  }

  pull(
    space: string,
    cursor: string | null | undefined,
    limit: number,
    only?: PullOnly,
    resync?: PullResync,
  ): Promise<Omit<PullReply, 'space'>> {
    return this.reader.pull(space, cursor, limit, only, resync);
  }

  canAck(mode?: AckMode): boolean {
    return this.writes.canAck(mode);
  }

  health(): NodeHealth[] {
    return this.nodes.health();
  }

  setMaintenance(nodeId: string, inMaintenance: boolean): void {
    this.nodes.setMaintenance(nodeId, inMaintenance);
  }

  /** Pings every node first, so nodes that came back are included. */
  async repair(): Promise<void> {
    await this.writes.settle();
    await this.upkeep.ping();
    await this.upkeep.repairAll();
    await this.upkeep.recheckReplicated();
  }

  /** Runs one health round now (ping, lag, repair of stale nodes) instead of waiting for the timer. */
  healthCheck(): Promise<void> {
    return this.upkeep.round();
  }

  digests(): Promise<Record<string, string>> {
    return digests(this.nodes, this.call);
  }

  stats(): ReplicatorStats {
    return {
      ...this.writes.counters,
      ...this.reader.counters,
      repairedOps: this.repairer.stats.repairedOps,
      repairScannedOps: this.repairer.stats.scannedOps,
      repairCheckedOps: this.repairer.stats.checkedOps,
      repairFetchedOps: this.repairer.stats.fetchedOps,
      groupCommits: this.writes.groupCommits,
      awaitingReplication: this.tracker.size,
      forgottenReplication: this.tracker.forgotten,
      atRiskOps: this.tracker.atRisk(
        this.nodes.entries.map((e) => e.node.id),
        new Set(this.nodes.up().map((e) => e.node.id)),
      ),
    };
  }

  async close(): Promise<void> {
    this.writes.close();
    clearInterval(this.timer);
    await this.writes.settle();
    await this.upkeep.stop();
  }
}
