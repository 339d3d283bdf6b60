/**
 * Opens a node spec as the CLI does, with a separate connection, for
 * checks from outside the server processes.
 */
import { PostgresNode } from '../../../server/src/storage/PostgresNode.js';
import { SqliteNode } from '../../../server/src/storage/SqliteNode.js';
import type { StorageNode } from '../../../server/src/storage/StorageNode.js';

export async function openNode(spec: string, index: number): Promise<StorageNode> {
  const id = `check${index + 1}`;
  const node = spec.startsWith('sqlite:')
    ? new SqliteNode({ id, path: spec.slice('sqlite:'.length) })
    : new PostgresNode({ id, connectionString: spec });
  await node.open();
  return node;
}
