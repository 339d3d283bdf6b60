/** Storage nodes and the replicator from CLI config. */
import { Replicator } from '../replication/Replicator.js';
import { SqliteNode } from '../storage/SqliteNode.js';
import type { StorageNode } from '../storage/StorageNode.js';
import type { CliConfig } from './parseCli.js';

export async function buildNodes(cfg: CliConfig): Promise<StorageNode[]> {
  const nodes: StorageNode[] = [];
  for (const [i, spec] of cfg.nodes.entries()) {
    const node = new SqliteNode({ id: `node${i + 1}`, path: spec.slice('sqlite:'.length) });
    await node.open();
    nodes.push(node);
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
