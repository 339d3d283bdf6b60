/** A node's op ids after a log position: `readOpIds` where the node has it, else taken from `readOpLog` (for wrappers). */
import type { OpIdPage, StorageNode } from './StorageNode.js';

export async function opIdsOf(node: StorageNode, afterLogSeq: number, limit: number): Promise<OpIdPage> {
  if (node.readOpIds) return node.readOpIds(afterLogSeq, limit);
  const page = await node.readOpLog(afterLogSeq, limit);
  return { opIds: page.ops.map((o) => o.op.opId), lastLogSeq: page.lastLogSeq, hasMore: page.hasMore };
}
