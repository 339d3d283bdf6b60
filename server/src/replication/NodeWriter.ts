/**
 * The write queue of one node. Every write to the node goes through it, so it
 * is both the background delivery queue (the nodes a write did not wait for
 * keep receiving it) and the group commit: while one applyBatch is running,
 * the batches that arrive are queued and then written together in ONE
 * applyBatch (one transaction, one fsync). Outcomes are split back per batch.
 *
 * A drain starts on the next `setImmediate`, not inside `write`: a node like
 * SqliteNode commits synchronously, so a drain started at once would write
 * each push alone before the event loop could read the next one. Deferred to
 * the check phase, every push read in the same poll phase (the ones that
 * arrived while the last fsync blocked) joins one group.
 *
 * A failed or timed-out call marks the node down (through `onFailure`); the
 * queued batches then fail fast instead of waiting on a dead node, and
 * repair delivers them once the node is back.
 */
import type { ApplyOutcome, StorageNode, StoredOp } from '../storage/StorageNode.js';
import { NodeTimeoutError, withTimeout } from './withTimeout.js';
import { isNodeFault } from './nodeFault.js';
import type { TurnQueue } from './TurnQueue.js';

interface Pending {
  ops: StoredOp[];
  at: number;
  resolve: (outcomes: ApplyOutcome[]) => void;
  reject: (err: unknown) => void;
}

export interface NodeWriterOptions {
  timeoutMs: number;
  /** Upper bound of ops merged into one applyBatch. */
  maxGroupOps: number;
  /**
   * Hard bound of ops waiting in the queue (a memory guard; the age rule below
   * normally acts first).
   */
  maxQueuedOps: number;
  /**
   * Shared by the writers of in-thread nodes: groups are taken in rounds and
   * committed one per turn of the event loop (TurnQueue.ts). Without: each
   * group after a setImmediate of its own.
   */
  turns?: TurnQueue;
  /** Whether the node takes writes now (checked before each group). */
  isUp: () => boolean;
  onFailure: (err: unknown) => void;
}

export class NodeWriter {
  private queue: Pending[] = [];
  private queuedOps = 0;
  private running: Promise<void> | null = null;
  /** Number of applyBatch calls that carried more than one write. */
  groupCommits = 0;

  constructor(
    readonly node: StorageNode,
    private readonly opts: NodeWriterOptions,
  ) {}

  write(ops: StoredOp[]): Promise<ApplyOutcome[]> {
    if (this.queuedOps + ops.length > this.opts.maxQueuedOps && this.queue.length > 0) {
      const err = new Error(`node ${this.node.id} has ${this.queuedOps} ops queued; left to repair`);
      this.opts.onFailure(err);
      return Promise.reject(err);
    }
    this.queuedOps += ops.length;
    return new Promise((resolve, reject) => {
      this.queue.push({ ops, resolve, reject, at: Date.now() });
      this.running ??= this.drain();
    });
  }

  /** Resolves when every queued write has settled. */
  async idle(): Promise<void> {
    while (this.running) await this.running;
  }

  private async drain(): Promise<void> {
    // `running` is cleared in the same synchronous step that finds the queue
    // empty. Cleared later (a `.finally()` on this promise, or after an
    // `await`), a write made in a continuation of the writes just resolved
    // would be queued behind a drain that had already ended and wait forever
    // (a hung repair in the seeded chaos test, seed 554065).
    for (;;) {
      if (this.queue.length === 0) {
        this.running = null;
        return;
      }
      // Yield before every group, so the other nodes' groups and newly read
      // pushes interleave with this node's, instead of one node draining all.
      const seat = this.opts.turns ? await this.opts.turns.join() : await nextTurn();
      const group = this.takeGroup();
      if (!this.opts.isUp()) {
        for (const p of group) p.reject(new Error(`node ${this.node.id} is not up`));
        continue;
      }
      const waited = Date.now() - group[0]!.at;
      if (waited > this.opts.timeoutMs) {
        // A replica the answers do not wait for fell behind by more than a
        // call's budget: too slow counts as failed. Marking it down bounds
        // the queue; repair catches it up from the op logs when it answers.
        const err = new Error(`node ${this.node.id} is ${waited} ms behind; left to repair`);
        this.opts.onFailure(err);
        for (const p of group) p.reject(err);
        continue;
      }
      const ops = uniqueOps(group);
      if (group.length > 1) this.groupCommits++;
      try {
        if (seat) await seat.turn;
        const outcomes = await withTimeout(this.node.applyBatch(ops), this.opts.timeoutMs, `applyBatch on ${this.node.id}`);
        splitOutcomes(group, outcomes);
      } catch (err) {
        if (isNodeFault(err)) this.opts.onFailure(err);
        for (const p of group) p.reject(err);
      }
    }
  }

  private takeGroup(): Pending[] {
    let n = 0;
    let count = 0;
    while (n < this.queue.length && (n === 0 || count + this.queue[n]!.ops.length <= this.opts.maxGroupOps)) {
      count += this.queue[n]!.ops.length;
      n++;
    }
    this.queuedOps -= count;
    return this.queue.splice(0, n);
  }
}

function nextTurn(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

function uniqueOps(group: Pending[]): StoredOp[] {
  const seen = new Set<string>();
  const out: StoredOp[] = [];
  for (const p of group)
    for (const op of p.ops) {
      if (seen.has(op.opId)) continue;
      seen.add(op.opId);
      out.push(op);
    }
  return out;
}

function splitOutcomes(group: Pending[], outcomes: ApplyOutcome[]): void {
  // The same op id can occur in two grouped writes (a client retry racing its
  // original): it is sent once, and the later occurrence reads `duplicate`,
  // which still means committed, with the stamp of the op that was sent.
  const byId = new Map(outcomes.map((o) => [o.opId, o]));
  const sentHlc = new Map<string, string | undefined>();
  for (const p of group) for (const op of p.ops) if (!sentHlc.has(op.opId)) sentHlc.set(op.opId, op.kind === 'yjs' ? undefined : op.hlc);
  const reported = new Set<string>();
  for (const p of group) {
    p.resolve(
      p.ops.map((op): ApplyOutcome => {
        const first = !reported.has(op.opId);
        reported.add(op.opId);
        const got = byId.get(op.opId);
        if (first && got) return got;
        const hlc = got?.status === 'duplicate' && got.hlc !== undefined ? got.hlc : sentHlc.get(op.opId);
        return hlc === undefined ? { opId: op.opId, status: 'duplicate' } : { opId: op.opId, status: 'duplicate', hlc };
      }),
    );
  }
}

export function isTimeout(err: unknown): boolean {
  return err instanceof NodeTimeoutError;
}
