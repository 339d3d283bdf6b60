/**
 * Opens a node spec exactly as the CLI reads it (`createNode`), with its own
 * connection, for checks from outside the server processes.
 *
 * Opening a node creates its schema when missing, which would hide a server
 * that never (re)creates it on a replaced, empty PostgreSQL. So a postgres
 * node is only opened once its schema exists; otherwise this throws.
 */
import { createNode, parseNodeSpec } from '@syncline/server';
import type { StorageNode } from '@syncline/server';
import { query } from './pgClient.js';

export async function openNode(spec: string, index: number): Promise<StorageNode> {
  const parsed = parseNodeSpec(spec, index);
  if (parsed.kind === 'postgres') {
    const schema = parsed.schema ?? 'syncline';
    const rows = await query(parsed.connectionString, `SELECT 1 FROM pg_namespace WHERE nspname = '${schema}'`);
    if (rows.length === 0) throw new Error(`node ${parsed.id} has no schema "${schema}" yet (nothing wrote to it)`);
  }
  const node = createNode(parsed);
  await node.open();
  return node;
}
