/**
 * One write: sends the batch to every target node's queue at once and
 * settles as soon as `judge` can decide (the mode's condition held, or can no
 * longer hold) or the write timeout passes. The node calls keep going after
 * that: the nodes the answer did not wait for still get the write
 * (background delivery), and `done` resolves when every call has settled.
 */
import type { NodeEntry } from './NodeSet.js';
import type { NodeWriter } from './NodeWriter.js';
import { isTimeout } from './NodeWriter.js';
import { isNodeFault } from './nodeFault.js';
import { judge, type NodeWriteState, type Verdict } from './ackRule.js';
import type { StoredOp } from '../storage/StorageNode.js';
import { storedStamps } from './pinStoredStamps.js';

export interface WriteJob {
  ops: StoredOp[];
  targets: NodeEntry[];
  writerOf: (entry: NodeEntry) => NodeWriter;
  primaryId: string;
  required: number;
  degrade: boolean;
  timeoutMs: number;
  /** A node committed the batch (for the replication tracker). */
  onCommitted: (nodeId: string) => void;
  /** The write timed out while this node's call was still running (a failed call: mark it down). */
  onTimedOut: (entry: NodeEntry) => void;
}

export interface WriteAnswer {
  verdict: Exclude<Verdict, { kind: 'wait' }>;
  /** Nodes that had committed when the answer was given. */
  committed: number;
  /** A node refused the batch itself (non-retryable error): the reason to report. */
  refusal?: unknown;
  /**
   * Ops the primary already had, stored with another stamp than the one sent
   * (a re-stamped op re-sent and re-stamped anew): op id -> the stored stamp,
   * which is the outcome to report (G1).
   */
  storedHlc?: Map<string, string>;
}

export function writeToNodes(job: WriteJob): { answer: Promise<WriteAnswer>; done: Promise<void> } {
  const states = new Map<string, NodeWriteState>(job.targets.map((t) => [t.node.id, 'pending']));
  let settle!: (a: WriteAnswer) => void;
  let settled = false;
  let refusal: unknown;
  let storedHlc: Map<string, string> | undefined;
  const answer = new Promise<WriteAnswer>((resolve) => (settle = resolve));
  const committedCount = () => [...states.values()].filter((s) => s === 'committed').length;

  const finish = (verdict: WriteAnswer['verdict']) => {
    if (settled) return;
    settled = true;
    clearTimeout(timer);
    const a: WriteAnswer = { verdict, committed: committedCount() };
    if (refusal !== undefined) a.refusal = refusal;
    if (storedHlc) a.storedHlc = storedHlc;
    settle(a);
  };
  const check = () => {
    const v = judge({ required: job.required, primaryId: job.primaryId, states, degrade: job.degrade });
    if (v.kind !== 'wait') finish(v);
  };
  const timer = setTimeout(() => {
    for (const t of job.targets) if (states.get(t.node.id) === 'pending') job.onTimedOut(t);
    finish({ kind: 'indeterminate', timedOut: true });
  }, job.timeoutMs);

  const calls = job.targets.map((t) =>
    job
      .writerOf(t)
      .write(job.ops)
      .then(
        (outcomes) => {
          if (t.node.id === job.primaryId) storedHlc = storedStamps(job.ops, outcomes);
          states.set(t.node.id, 'committed');
          job.onCommitted(t.node.id);
        },
        (err: unknown) => {
          if (!isNodeFault(err)) refusal ??= err;
          states.set(t.node.id, isTimeout(err) ? 'unknown' : 'failed');
        },
      )
      .then(check),
  );
  check(); // no targets at all decides at once
  return { answer, done: Promise.all(calls).then(() => undefined) };
}
