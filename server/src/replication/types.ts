/**
 * The replicator's contract as the server sees it. `Replicator.ts`
 * implements it over an ordered list of StorageNodes (DESIGN §3).
 */
import type { AckMode, OpResult, PullOnly, PullReply } from '@syncline/shared';
import type { EventLogger } from './ReplicationEvents.js';
import type { StoredOp } from '../storage/StorageNode.js';

export interface NodeHealth {
  id: string;
  /** `up`: serving; `down`: last contact failed; `maintenance`: taken out by an operator. */
  state: 'up' | 'down' | 'maintenance';
  primary: boolean;
  /** Ops this node is behind the primary's log (best effort). */
  lagOps: number;
  lastError?: string;
  /** Repair in progress and how far (0..1). */
  repairing: boolean;
  repairProgress: number;
}

export interface ReplicatorOptions {
  /** Default ack mode for writes that ask for none. */
  mode: AckMode;
  /** Replicas that must commit besides the primary in semi-sync (default 1). */
  semiSyncReplicas?: number;
  /** How long a write may take before it is reported `indeterminate` (default 5000 ms). */
  writeTimeoutMs?: number;
  /**
   * What to do when too few nodes are reachable for the mode (G2):
   * `reject` (default) answers NOT_ENOUGH_REPLICAS; `degrade` acks with
   * `degraded: true` once the primary has committed, and counts it.
   */
  fallback?: 'reject' | 'degrade';
  /** Interval of health checks and background repair (default 1000 ms). */
  healthIntervalMs?: number;
  /** Where node, repair and refusal events are logged, one rate-limited line each (ReplicationEvents.ts). */
  logger?: EventLogger;
}

/** A pull's `resync` field (docs/failover.md): the client can summarize (`true`), or its summary. */
export type PullResync = true | readonly string[];

export type ReplicatedListener = (opIds: string[]) => void;

export interface ReplicatorApi {
  /** Writes ops and resolves with one result per op, in order, by the mode's rule. */
  write(ops: StoredOp[], mode?: AckMode): Promise<OpResult[]>;
  /** Called when ops have reached every configured node. */
  onReplicated(listener: ReplicatedListener): () => void;
  /**
   * Called as soon as the primary committed a batch of ops (before the
   * mode's ack): live delivery starts there (DESIGN §4). Optional for
   * stand-ins; without it, delivery starts after the reply.
   */
  onPrimaryCommit?(listener: (ops: readonly StoredOp[]) => void): () => void;
  /**
   * Pull a page from the current primary; the cursor names the node that issued it. `only` filters
   * (StorageNode.pull); `resync` answers a cursor of another node from the client's summary (docs/failover.md).
   */
  pull(
    space: string,
    cursor: string | null | undefined,
    limit: number,
    only?: PullOnly,
    resync?: PullResync,
  ): Promise<Omit<PullReply, 'space'>>;
  /** Whether a write in this mode could be acknowledged now (for /readyz). */
  canAck(mode?: AckMode): boolean;
  health(): NodeHealth[];
  /** Operator: take a node out (maintenance) or put it back (it is repaired). */
  setMaintenance(nodeId: string, inMaintenance: boolean): void;
  /** Bring every up node to the union of all nodes' ops; resolves when done. */
  repair(): Promise<void>;
  digests(): Promise<Record<string, string>>;
  close(): Promise<void>;
  /** Counters for metrics (optional so test doubles need not implement it). */
  stats?(): ReplicatorStats;
}

/** Counters since start, for metrics (additive: read with `stats?.()`). */
export interface ReplicatorStats {
  /** Ops answered `ok` (degraded ones included). */
  acked: number;
  /** Ops acked under the `degrade` fallback (G2). */
  degraded: number;
  rejected: number;
  indeterminate: number;
  /** Pulls whose cursor named another node than the primary, so they restarted at seq 0. */
  cursorResets: number;
  /** Pulls after a primary change answered from the client's summary, and the records they re-sent. */
  resyncs: number;
  resyncRows: number;
  /** Ops applied to nodes by repair, and log entries repair read. */
  repairedOps: number;
  repairScannedOps: number;
  /** Of the log entries repair read: ids it looked up on the target (not known to be on every node), and full ops it fetched. */
  repairCheckedOps: number;
  repairFetchedOps: number;
  /** applyBatch calls that carried several concurrent writes. */
  groupCommits: number;
  /** Ops waiting for `replicated` (and ones dropped from that wait because the set was full). */
  awaitingReplication: number;
  forgottenReplication: number;
  /** Ops not yet on every node whose only holders are down or in maintenance (lost if they never return). */
  atRiskOps: number;
}
