/**
 * One round of health checks: ping every node not in maintenance (a failed
 * ping marks it down, a successful one brings a down node back as stale),
 * then refresh each node's lag behind the primary's op count (a node that is
 * down or in maintenance: from the last count it answered, so its lag grows
 * while it is away).
 */
import type { NodeSet } from './NodeSet.js';
import type { NodeCall } from './callNode.js';
import { withTimeout } from './withTimeout.js';

export async function checkHealth(nodes: NodeSet, call: NodeCall, timeoutMs: number): Promise<void> {
  await Promise.all(
    nodes.entries.map(async (e) => {
      if (e.state === 'maintenance') return;
      try {
        await withTimeout(e.node.ping(), timeoutMs, `ping ${e.node.id}`);
        nodes.markReachable(e);
      } catch (err) {
        nodes.markDown(e, err);
      }
    }),
  );
  const up = nodes.up();
  const counts = await Promise.all(up.map((e) => call(e, 'opCount', (n) => n.opCount()).catch(() => null)));
  const primary = nodes.primary();
  const primaryCount = primary ? counts[up.indexOf(primary)] : null;
  up.forEach((e, i) => {
    const c = counts[i];
    if (typeof c === 'number') e.lastOpCount = c;
  });
  if (typeof primaryCount !== 'number') return;
  for (const e of nodes.entries) {
    if (e.lastOpCount !== undefined) e.lagOps = Math.max(0, primaryCount - e.lastOpCount);
  }
}
