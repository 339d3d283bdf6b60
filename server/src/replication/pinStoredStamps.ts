/**
 * One op id must mean one op on every node. A client stamps its own ops with
 * its own id as the HLC node and re-sends them unchanged, but a server that
 * re-stamps an op from a clock too far ahead gives every send of it a new
 * stamp. If an earlier send reached only some nodes (its server died, or the
 * replicas were behind), a retry with a new stamp would be applied to the
 * other nodes under the new stamp: op logs and record stamps would disagree
 * for good (repair copies by op id, so it never notices).
 *
 * So before writing ops that carry a server stamp (their HLC node is not
 * their client's id), ask the target nodes whether they already hold them;
 * if one does, write the op with the stamp that node stored. Ops stamped by
 * their client (the normal case) cost nothing extra.
 */
import { decodeHlc, isHlc } from '@syncline/shared';
import type { ApplyOutcome, StoredOp } from '../storage/StorageNode.js';
import type { NodeEntry } from './NodeSet.js';
import type { NodeCall } from './callNode.js';

export function carriesServerStamp(op: StoredOp): boolean {
  if (op.kind === 'yjs' || !isHlc(op.hlc)) return false;
  const client = op.opId.slice(0, op.opId.lastIndexOf(':'));
  return decodeHlc(op.hlc).node !== client;
}

/**
 * Returns the ops to write (server-stamped ops some node already holds get
 * that node's stored stamp) and the stamps substituted, by op id.
 */
export async function pinStoredStamps(
  ops: StoredOp[],
  targets: NodeEntry[],
  call: NodeCall,
  storedStamp: (entry: NodeEntry, ops: StoredOp[]) => Promise<Map<string, string>>,
): Promise<{ ops: StoredOp[]; pinned: Map<string, string> }> {
  const pinned = new Map<string, string>();
  const suspects = ops.filter(carriesServerStamp);
  if (suspects.length === 0) return { ops, pinned };
  const ids = suspects.map((o) => o.opId);
  const held = await Promise.all(targets.map((t) => call(t, 'hasOps', (n) => n.hasOps(ids)).catch(() => new Set<string>())));
  for (const [i, t] of targets.entries()) {
    const mine = suspects.filter((o) => held[i]!.has(o.opId) && !pinned.has(o.opId));
    if (mine.length === 0) continue;
    const stamps = await storedStamp(t, mine).catch(() => new Map<string, string>());
    for (const [id, hlc] of stamps) pinned.set(id, hlc);
  }
  if (pinned.size === 0) return { ops, pinned };
  return { ops: ops.map((o) => (o.kind !== 'yjs' && pinned.has(o.opId) ? { ...o, hlc: pinned.get(o.opId)! } : o)), pinned };
}

/**
 * From a node's outcomes for `ops`: the ops it already held under another
 * stamp than the one sent, op id -> the stamp it stored (undefined if none).
 * The one place that reads stored stamps: the write's answer (writeToNodes.ts)
 * and the pinning above both use it.
 */
export function storedStamps(ops: readonly StoredOp[], outcomes: readonly ApplyOutcome[]): Map<string, string> | undefined {
  let out: Map<string, string> | undefined;
  outcomes.forEach((o, i) => {
    const op = ops[i];
    if (o.status !== 'duplicate' || o.hlc === undefined || !op || op.kind === 'yjs' || op.hlc === o.hlc) return;
    (out ??= new Map()).set(o.opId, o.hlc);
  });
  return out;
}
