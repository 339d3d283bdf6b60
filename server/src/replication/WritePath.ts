/**
 * The write path of the replicator (DESIGN §3): checks that the batch can be
 * stored and that enough nodes are up for the ack mode, pins stamps some
 * node already stored (pinStoredStamps.ts), sends the batch to every up
 * node's queue (writeToNodes.ts) and answers per op (opResults.ts). Node
 * calls the answer did not wait for keep going in the background; `settle()`
 * waits for them.
 */
import { SyncError, toSyncError, type AckMode, type OpResult } from '@syncline/shared';
import { validateOp } from '../storage/opCodec.js';
import type { StoredOp } from '../storage/StorageNode.js';
import type { NodeSet, NodeEntry } from './NodeSet.js';
import { NodeWriter } from './NodeWriter.js';
import { TurnQueue } from './TurnQueue.js';
import type { ReplicationTracker } from './ReplicationTracker.js';
import type { NodeCall } from './callNode.js';
import type { ReplicationEvents } from './ReplicationEvents.js';
import { requiredNodes } from './ackRule.js';
import { writeToNodes } from './writeToNodes.js';
import { pinStoredStamps, storedStamps } from './pinStoredStamps.js';
import { opResults, rejectAll } from './opResults.js';

export interface WritePathConfig {
  /** Default ack mode for writes that ask for none. */
  mode: AckMode;
  /** Replicas that must commit besides the primary in semi-sync. */
  k: number;
  fallback: 'reject' | 'degrade' | undefined;
  timeoutMs: number;
  maxGroupOps: number;
  /** Bound of one group for in-thread nodes (StorageNode.inThread): a group holds the event loop while it commits. */
  maxInThreadGroupOps: number;
  maxQueuedOps: number;
}

/** Write outcomes since start (part of ReplicatorStats). */
export interface WriteCounters {
  acked: number;
  degraded: number;
  rejected: number;
  indeterminate: number;
}

export class WritePath {
  private readonly writers = new Map<NodeEntry, NodeWriter>();
  private readonly background = new Set<Promise<void>>();
  readonly counters: WriteCounters = { acked: 0, degraded: 0, rejected: 0, indeterminate: 0 };
  private closed = false;
  private readonly primaryListeners = new Set<(ops: readonly StoredOp[]) => void>();
  /**
   * Whether a node validates on this thread (all but worker-thread nodes):
   * only then is an op's validation here remembered for the nodes (nodeSharing.ts).
   */
  private readonly rememberValid: boolean;

  constructor(
    private readonly nodes: NodeSet,
    private readonly call: NodeCall,
    private readonly tracker: ReplicationTracker,
    private readonly events: ReplicationEvents,
    private readonly cfg: WritePathConfig,
  ) {
    // In-thread nodes' groups run one per turn of the event loop, and smaller (issue 14).
    const turns = new TurnQueue();
    this.rememberValid = nodes.entries.some((e) => e.node.ownThread !== true);
    for (const e of nodes.entries) {
      const inThread = e.node.inThread === true;
      this.writers.set(
        e,
        new NodeWriter(e.node, {
          timeoutMs: cfg.timeoutMs,
          maxGroupOps: inThread ? Math.min(cfg.maxGroupOps, cfg.maxInThreadGroupOps) : cfg.maxGroupOps,
          ...(inThread ? { turns } : {}),
          maxQueuedOps: cfg.maxQueuedOps,
          isUp: () => e.state === 'up',
          onFailure: (err) => nodes.markDown(e, err),
        }),
      );
    }
  }

  async write(ops: StoredOp[], mode: AckMode = this.cfg.mode): Promise<OpResult[]> {
    if (ops.length === 0) return [];
    if (this.closed) return this.count(rejectAll(ops, new SyncError('SERVER_DRAINING', 'replicator is closed')));
    // Refuse a batch the storage would refuse, before it can poison a group commit.
    try {
      ops.forEach((op, i) => validateOp(op, i, this.rememberValid));
    } catch (err) {
      return this.count(rejectAll(ops, toSyncError(err)));
    }
    const configured = this.nodes.size;
    const required = requiredNodes(mode, configured, this.cfg.k);
    const targets = this.nodes.up();
    const primary = this.nodes.primary();
    const degrade = this.cfg.fallback === 'degrade';
    if (!primary || (targets.length < required && !degrade)) {
      const msg = `${mode} needs ${required} of ${configured} nodes, ${targets.length} up`;
      this.events.notEnoughReplicas(mode, required, targets.length);
      return this.count(rejectAll(ops, new SyncError('NOT_ENOUGH_REPLICAS', msg, { required, up: targets.length })));
    }
    // A server-stamped op some node already holds keeps that node's stamp (pinStoredStamps.ts).
    const { ops: toWrite, pinned } = await pinStoredStamps(ops, targets, this.call, (e, mine) => this.storedStampsOn(e, mine));
    const ids = ops.map((o) => o.opId);
    this.tracker.track(
      ids,
      this.nodes.entries.map((e) => e.node.id),
    );
    const { answer, done } = writeToNodes({
      ops: toWrite,
      targets,
      writerOf: (e) => this.writers.get(e)!,
      primaryId: primary.node.id,
      required,
      degrade,
      timeoutMs: this.cfg.timeoutMs,
      onCommitted: (nodeId) => {
        this.tracker.arrived(nodeId, ids);
        if (nodeId === primary.node.id) this.primaryCommitted(toWrite);
      },
      onTimedOut: (e) => this.nodes.markDown(e, new Error(`write timed out after ${this.cfg.timeoutMs} ms`)),
    });
    this.background.add(done);
    void done.finally(() => this.background.delete(done));
    const a = await answer;
    if (a.verdict.kind === 'rejected') this.tracker.forget(ids);
    const results = opResults(toWrite, mode, a, configured);
    for (const r of results) if (r.status === 'ok' && pinned.has(r.opId)) r.hlc = pinned.get(r.opId)!;
    return this.count(results);
  }

  /** See ReplicatorApi.onPrimaryCommit. */
  onPrimaryCommit(listener: (ops: readonly StoredOp[]) => void): () => void {
    this.primaryListeners.add(listener);
    return () => this.primaryListeners.delete(listener);
  }

  private primaryCommitted(ops: readonly StoredOp[]): void {
    for (const l of this.primaryListeners) {
      try {
        l(ops);
      } catch {
        // A listener's failure is its own (live delivery falls back to pulls); the write goes on.
      }
    }
  }

  /** Whether a write in this mode could be acknowledged now. */
  canAck(mode: AckMode = this.cfg.mode): boolean {
    const up = this.nodes.up().length;
    if (up === 0) return false;
    return up >= requiredNodes(mode, this.nodes.size, this.cfg.k) || this.cfg.fallback === 'degrade';
  }

  /** applyBatch calls that carried several concurrent writes, over all nodes. */
  get groupCommits(): number {
    return [...this.writers.values()].reduce((s, w) => s + w.groupCommits, 0);
  }

  /** Later writes are rejected with SERVER_DRAINING. */
  close(): void {
    this.closed = true;
  }

  /** Resolves when every background node call and every node queue has settled. */
  async settle(): Promise<void> {
    await Promise.all([...this.background]);
    await Promise.all([...this.writers.values()].map((w) => w.idle()));
  }

  /** The stamps a node stored for ops it holds (re-applying them is a no-op that reports them). */
  private async storedStampsOn(e: NodeEntry, ops: StoredOp[]): Promise<Map<string, string>> {
    return storedStamps(ops, await this.writers.get(e)!.write(ops)) ?? new Map<string, string>();
  }

  private count(results: OpResult[]): OpResult[] {
    for (const r of results) {
      if (r.status === 'ok') this.counters.acked++;
      else if (r.status === 'rejected') this.counters.rejected++;
      else this.counters.indeterminate++;
      if (r.degraded) this.counters.degraded++;
      if (r.status === 'ok') {
        if (r.degraded) this.events.degradedAck();
        else this.events.fullAck();
      }
    }
    return results;
  }
}
