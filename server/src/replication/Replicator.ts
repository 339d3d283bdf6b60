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
 */
import { SyncError, toSyncError, type AckMode, type OpResult } from '@syncline/shared';
import { validateOp } from '../storage/opCodec.js';
import { isNodeFault } from './nodeFault.js';
import type { StorageNode, StoredOp } from '../storage/StorageNode.js';
import { NodeSet, type NodeEntry } from './NodeSet.js';
import { NodeWriter } from './NodeWriter.js';
import { ReplicationTracker } from './ReplicationTracker.js';
import { Repairer } from './Repairer.js';
import { nodeCaller, type NodeCall } from './callNode.js';
import { Upkeep } from './Upkeep.js';
import { requiredNodes } from './ackRule.js';
import { writeToNodes } from './writeToNodes.js';
import { pinStoredStamps } from './pinStoredStamps.js';
import { opResults, rejectAll } from './opResults.js';
import { encodeCursor, startSeq } from './cursor.js';
import { resyncFromSummary } from './resync.js';
import { ReplicationEvents } from './ReplicationEvents.js';
import type { NodeHealth, PullResync, ReplicatedListener, ReplicatorApi, ReplicatorOptions, ReplicatorStats } from './types.js';
import type { PullOnly, PullReply } from '@syncline/shared';

export interface ReplicatorConfig extends ReplicatorOptions {
  /** A full repair pass over all node pairs every this many health ticks (default 10), keeping repair cursors fresh. */
  antiEntropyEveryTicks?: number;
  /** Most ops group-committed into one applyBatch (default 5000). */
  maxGroupOps?: number;
  /** Most ops queued for one node before it is marked down and left to repair (default 1 000 000). */
  maxQueuedOps?: number;
}

export class Replicator implements ReplicatorApi {
  private readonly nodes: NodeSet;
  private readonly writers = new Map<NodeEntry, NodeWriter>();
  private readonly tracker = new ReplicationTracker();
  private readonly repairer: Repairer;
  private readonly call: NodeCall;
  private readonly k: number;
  private readonly timeoutMs: number;
  private readonly background = new Set<Promise<void>>();
  private readonly counters = { acked: 0, degraded: 0, rejected: 0, indeterminate: 0, cursorResets: 0, resyncs: 0, resyncRows: 0 };
  private readonly timer: ReturnType<typeof setInterval>;
  private readonly upkeep: Upkeep;
  private closed = false;
  private readonly first: Promise<void>;
  private readonly events: ReplicationEvents;

  constructor(
    nodes: readonly StorageNode[],
    private readonly opts: ReplicatorConfig,
  ) {
    this.nodes = new NodeSet(nodes);
    this.events = new ReplicationEvents(opts.logger);
    this.nodes.onState = (e, change) => {
      if (change === 'down') this.events.nodeDown(e.node.id, e.lastError);
      else if (change === 'up') this.events.nodeUp(e.node.id);
      else this.events.maintenance(e.node.id, change === 'maintenance-in');
    };
    this.k = opts.semiSyncReplicas ?? 1;
    if (!Number.isInteger(this.k) || this.k < 0) throw new Error('semiSyncReplicas must be a non-negative integer');
    this.timeoutMs = opts.writeTimeoutMs ?? 5000;
    this.call = nodeCaller(this.nodes, this.timeoutMs);
    this.repairer = new Repairer(this.nodes, this.call, this.tracker, 500, this.events);
    for (const e of this.nodes.entries) {
      this.writers.set(
        e,
        new NodeWriter(e.node, {
          timeoutMs: this.timeoutMs,
          maxGroupOps: opts.maxGroupOps ?? 5000,
          maxQueuedOps: opts.maxQueuedOps ?? 1_000_000,
          isUp: () => e.state === 'up',
          onFailure: (err) => this.nodes.markDown(e, err),
        }),
      );
    }
    this.upkeep = new Upkeep(this.nodes, this.call, this.repairer, this.tracker, this.timeoutMs, opts.antiEntropyEveryTicks ?? 10);
    this.nodes.onRejoin = () => void this.upkeep.repairStale();
    this.timer = setInterval(() => void this.upkeep.round(), opts.healthIntervalMs ?? 1000);
    this.timer.unref?.();
    this.first = this.upkeep.round();
  }

  /** Resolves after the first health check and repair of the nodes. */
  ready(): Promise<void> {
    return this.first;
  }

  async write(ops: StoredOp[], mode: AckMode = this.opts.mode): Promise<OpResult[]> {
    if (ops.length === 0) return [];
    if (this.closed) return this.count(rejectAll(ops, new SyncError('SERVER_DRAINING', 'replicator is closed')));
    // Refuse a batch the storage would refuse, before it can poison a group commit.
    try {
      ops.forEach(validateOp);
    } catch (err) {
      return this.count(rejectAll(ops, toSyncError(err)));
    }
    const configured = this.nodes.size;
    const required = requiredNodes(mode, configured, this.k);
    const targets = this.nodes.up();
    const primary = this.nodes.primary();
    const degrade = this.opts.fallback === 'degrade';
    if (!primary || (targets.length < required && !degrade)) {
      const msg = `${mode} needs ${required} of ${configured} nodes, ${targets.length} up`;
      this.events.notEnoughReplicas(mode, required, targets.length);
      return this.count(rejectAll(ops, new SyncError('NOT_ENOUGH_REPLICAS', msg, { required, up: targets.length })));
    }
    // A server-stamped op some node already holds keeps that node's stamp (pinStoredStamps.ts).
    const { ops: toWrite, pinned } = await pinStoredStamps(ops, targets, this.call, (e, mine) => this.storedStamps(e, mine));
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
      timeoutMs: this.timeoutMs,
      onCommitted: (nodeId) => this.tracker.arrived(nodeId, ids),
      onTimedOut: (e) => this.nodes.markDown(e, new Error(`write timed out after ${this.timeoutMs} ms`)),
    });
    this.background.add(done);
    void done.finally(() => this.background.delete(done));
    const a = await answer;
    if (a.verdict.kind === 'rejected') this.tracker.forget(ids);
    const results = opResults(toWrite, mode, a, configured);
    for (const r of results) if (r.status === 'ok' && pinned.has(r.opId)) r.hlc = pinned.get(r.opId)!;
    return this.count(results);
  }

  /** The stamps a node stored for ops it holds (re-applying them is a no-op that reports them). */
  private async storedStamps(e: NodeEntry, ops: StoredOp[]): Promise<Map<string, string>> {
    const outcomes = await this.writers.get(e)!.write(ops);
    const out = new Map<string, string>();
    outcomes.forEach((o, i) => {
      const op = ops[i]!;
      if (o.status === 'duplicate' && o.hlc !== undefined && op.kind !== 'yjs' && o.hlc !== op.hlc) out.set(o.opId, o.hlc);
    });
    return out;
  }

  onReplicated(listener: ReplicatedListener): () => void {
    return this.tracker.listen(listener);
  }

  async pull(
    space: string,
    cursor: string | null | undefined,
    limit: number,
    only?: PullOnly,
    resync?: PullResync,
  ): Promise<Omit<PullReply, 'space'>> {
    // A document's own pull restarts at 0 on a new primary: its updates are all it holds.
    if (only && 'doc' in only) resync = undefined;
    // A failing primary is marked down by the call; the next one is tried.
    for (let attempt = 0; attempt < this.nodes.size; attempt++) {
      const primary = this.nodes.primary();
      if (!primary) break;
      const { afterSeq, reset } = startSeq(cursor, primary.node.id);
      // The cursor names another node: a client that can summarize what it
      // holds is asked to (one extra round trip), then sent only the difference.
      if (reset && resync === true) return { records: [], docs: [], cursor: cursor!, hasMore: true, needSummary: true };
      let page;
      try {
        if (reset && Array.isArray(resync)) {
          const pullOn = (after: number, n: number) => this.call(primary, 'pull', (node) => node.pull(space, after, n, only));
          const found = await resyncFromSummary(pullOn, resync, limit);
          if (found) {
            this.counters.resyncs++;
            this.counters.resyncRows += found.records.length;
            return { records: found.records, docs: found.docs, cursor: encodeCursor(primary.node.id, found.lastSeq), hasMore: false };
          }
        }
        page = await this.call(primary, 'pull', (n) => n.pull(space, afterSeq, limit, only));
      } catch (err) {
        if (isNodeFault(err)) continue;
        throw err; // the request itself is bad (e.g. limit): no other node would take it
      }
      if (reset) this.counters.cursorResets++;
      return { records: page.records, docs: page.docs, cursor: encodeCursor(primary.node.id, page.lastSeq), hasMore: page.hasMore };
    }
    throw new SyncError('NOT_ENOUGH_REPLICAS', 'no storage node is up to serve pulls');
  }

  canAck(mode: AckMode = this.opts.mode): boolean {
    const up = this.nodes.up().length;
    if (up === 0) return false;
    return up >= requiredNodes(mode, this.nodes.size, this.k) || this.opts.fallback === 'degrade';
  }

  health(): NodeHealth[] {
    return this.nodes.health();
  }

  setMaintenance(nodeId: string, inMaintenance: boolean): void {
    this.nodes.setMaintenance(nodeId, inMaintenance);
  }

  /** Pings every node first, so nodes that came back are included. */
  async repair(): Promise<void> {
    await this.settleBackground();
    await this.upkeep.ping();
    await this.upkeep.repairAll();
    await this.upkeep.recheckReplicated();
  }

  /** Runs one health round now (ping, lag, repair of stale nodes) instead of waiting for the timer. */
  healthCheck(): Promise<void> {
    return this.upkeep.round();
  }

  async digests(): Promise<Record<string, string>> {
    const out: Record<string, string> = {};
    await Promise.all(
      this.nodes.up().map(async (e) => {
        out[e.node.id] = await this.call(e, 'digest', (n) => n.digest());
      }),
    );
    return out;
  }

  stats(): ReplicatorStats {
    const groupCommits = [...this.writers.values()].reduce((s, w) => s + w.groupCommits, 0);
    return {
      ...this.counters,
      repairedOps: this.repairer.stats.repairedOps,
      repairScannedOps: this.repairer.stats.scannedOps,
      groupCommits,
      awaitingReplication: this.tracker.size,
      forgottenReplication: this.tracker.forgotten,
      atRiskOps: this.tracker.atRisk(
        this.nodes.entries.map((e) => e.node.id),
        new Set(this.nodes.up().map((e) => e.node.id)),
      ),
    };
  }

  async close(): Promise<void> {
    this.closed = true;
    clearInterval(this.timer);
    await this.settleBackground();
    await this.upkeep.stop();
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

  private async settleBackground(): Promise<void> {
    await Promise.all([...this.background]);
    await Promise.all([...this.writers.values()].map((w) => w.idle()));
  }
}
