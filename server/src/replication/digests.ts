/** Each up node's digest of its records, by node id (to compare replicas). */
import type { NodeSet } from './NodeSet.js';
import type { NodeCall } from './callNode.js';

export async function digests(nodes: NodeSet, call: NodeCall): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  await Promise.all(
    nodes.up().map(async (e) => {
      out[e.node.id] = await call(e, 'digest', (n) => n.digest());
    }),
  );
  return out;
}
