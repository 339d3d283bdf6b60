/** Storage nodes and the replicator from CLI config. */
import { Replicator } from '../replication/Replicator.js';
import { createNode, parseNodeSpecs } from '../storage/createNode.js';
import type { StorageNode } from '../storage/StorageNode.js';
import type { CliConfig } from './parseCli.js';

/**
 * Opens every node. Node ids come from the spec (`#id`) or the position
 * (n1, n2, ...), so servers given the same `--nodes` agree on them (cursors
 * name the node). A node that cannot open fails start-up loudly: a
 * misconfigured node list must not silently run with fewer replicas.
 */
export async function buildNodes(cfg: CliConfig): Promise<StorageNode[]> {
  const nodes = parseNodeSpecs(cfg.nodes).map((spec) => createNode(spec));
  try {
    for (const node of nodes) await node.open();
  } catch (err) {
    await Promise.allSettled(nodes.map((n) => n.close()));
    throw err;
  }
  return nodes;
}

export function buildReplicator(cfg: CliConfig, nodes: StorageNode[]): Replicator {
  return new Replicator(nodes, {
    mode: cfg.ack,
    semiSyncReplicas: cfg.semiSyncReplicas,
    fallback: cfg.fallback,
    writeTimeoutMs: cfg.writeTimeoutMs,
  });
}
