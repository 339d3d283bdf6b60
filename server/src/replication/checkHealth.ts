/**
 * One round of health checks: ping every node not in maintenance (a failed
 * ping marks it down, a successful one brings a down node back as stale),
 * then refresh each up node's lag behind the primary's op count.
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
    if (typeof c === 'number' && typeof primaryCount === 'number') e.lagOps = Math.max(0, primaryCount - c);
  });
}
