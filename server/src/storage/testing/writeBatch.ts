import { encodeHlc } from '@syncline/shared';
import type { StorageNode } from '../StorageNode.js';

/** Batch `i` of writer `prefix`: one new record and one doc update. */
export function writeBatch(node: StorageNode, prefix: string, i: number) {
  const hlc = encodeHlc({ ms: 1_000 + i, counter: 0, node: prefix });
  return node.applyBatch([
    { kind: 'put', opId: `${prefix}:${2 * i}`, space: 's', table: 't', id: `${prefix}-${i}`, hlc, fields: { i } },
    { kind: 'yjs', opId: `${prefix}:${2 * i + 1}`, space: 's', doc: prefix, update: new Uint8Array([i % 256]) },
  ]);
}
