/**
 * When a write may be answered, by mode (DESIGN §3, G0/G2). Pure functions
 * over the per-node state of one write, so the rule is tested on its own.
 *
 *  - `sync`: every configured node (down and maintenance ones included).
 *  - `semi-sync`: the primary and `k` more nodes.
 *  - `async`: the primary.
 * The primary must always be among the committed nodes: that is the node
 * reads are served from, so an acked write is visible to the next pull.
 */
import type { AckMode } from '@syncline/shared';

/** `unknown`: the call timed out, so the node may or may not have committed. */
export type NodeWriteState = 'pending' | 'committed' | 'failed' | 'unknown';

export function requiredNodes(mode: AckMode, configured: number, semiSyncReplicas: number): number {
  if (mode === 'sync') return configured;
  if (mode === 'semi-sync') return 1 + semiSyncReplicas;
  return 1;
}

export type Verdict =
  { kind: 'wait' } | { kind: 'ok'; degraded: boolean } | { kind: 'indeterminate'; timedOut: boolean } | { kind: 'rejected' };

export interface WriteProgress {
  required: number;
  primaryId: string;
  /** Only the nodes the write was sent to. */
  states: ReadonlyMap<string, NodeWriteState>;
  /** Operator fallback `degrade`: ack once the primary committed even if `required` cannot be met. */
  degrade: boolean;
}

export function judge(p: WriteProgress): Verdict {
  let committed = 0;
  let pending = 0;
  let unknown = 0;
  for (const s of p.states.values()) {
    if (s === 'committed') committed++;
    else if (s === 'pending') pending++;
    else if (s === 'unknown') unknown++;
  }
  const primary = p.states.get(p.primaryId);
  if (primary === 'committed' && committed >= p.required) return { kind: 'ok', degraded: false };
  const primaryPossible = primary === 'committed' || primary === 'pending';
  const reachable = primaryPossible && committed + pending >= p.required;
  if (reachable) return { kind: 'wait' };
  // The mode can no longer be met.
  if (p.degrade && primary === 'committed') return { kind: 'ok', degraded: true };
  if (p.degrade && primary === 'pending') return { kind: 'wait' };
  if (committed + pending + unknown > 0) return { kind: 'indeterminate', timedOut: unknown > 0 && pending === 0 };
  return { kind: 'rejected' };
}
