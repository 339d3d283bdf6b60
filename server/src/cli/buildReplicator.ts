/** Storage nodes and the replicator from CLI config. */
import type { EventLogger } from '../replication/ReplicationEvents.js';
import { Replicator } from '../replication/Replicator.js';
import { createNode, parseNodeSpecs } from '../storage/createNode.js';
import { OpenOnPingNode } from '../storage/OpenOnPingNode.js';
import type { StorageNode } from '../storage/StorageNode.js';
import type { CliConfig } from './parseCli.js';
import { MissingDependencyError } from '../optionalDependency.js';

/**
 * Builds and opens every node. Node ids come from the spec (`#id`) or the
 * position (n1, n2, ...), so servers given the same `--nodes` agree on them
 * (cursors name the node).
 *
 * A malformed node list throws (NodeSpecError: the CLI exits 2). A node that
 * is well specified but cannot be opened now (its PostgreSQL server is down,
 * its SQLite folder is not mounted yet) does not stop start-up: it counts as
 * down, `warn` is told, and the replicator's health rounds retry opening it
 * and repair it once it opens. Whether the mode can be served without it is
 * the replicator's call (`/readyz` answers 503 until it can).
 */
export async function buildNodes(
  cfg: Pick<CliConfig, 'nodes'>,
  warn: (message: string) => void = (m) => process.stderr.write(`syncline-server: ${m}\n`),
): Promise<StorageNode[]> {
  const nodes = parseNodeSpecs(cfg.nodes).map((spec) => new OpenOnPingNode(createNode(spec)));
  await Promise.all(
    nodes.map((node) =>
      node.open().catch((err: unknown) => {
        // A driver that is not installed is a setup error, not a node that is down.
        if (err instanceof MissingDependencyError) throw err;
        warn(
          `storage node ${node.id} could not be opened, starting with it down (retried every health round): ${(err as Error)?.message ?? String(err)}`,
        );
      }),
    ),
  );
  return nodes;
}

export function buildReplicator(cfg: CliConfig, nodes: StorageNode[], logger?: EventLogger): Replicator {
  return new Replicator(nodes, {
    ...(logger ? { logger } : {}),
    mode: cfg.ack,
    semiSyncReplicas: cfg.semiSyncReplicas,
    fallback: cfg.fallback,
    writeTimeoutMs: cfg.writeTimeoutMs,
  });
}
