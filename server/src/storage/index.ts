/**
 * Storage nodes behind one interface (`StorageNode`).
 *
 * ```ts
 * import { createNode, parseNodeSpecs, SqliteNode } from './storage/index.js';
 * const node = await SqliteNode.open({ id: 'n1', path: 'data/n1.db' });
 * await node.applyBatch([{ kind: 'put', opId: 'c1:1', space: 's', table: 'cards', id: 'a',
 *   hlc: '000001764151200000-000000-c1', fields: { title: 'hi' } }]);
 * const page = await node.pull('s', 0, 100);
 * const nodes = parseNodeSpecs('sqlite:data/a.db,postgres://postgres@127.0.0.1/app#pg').map((s) => createNode(s));
 * ```
 *
 * The conformance suite (`conformance.ts`) imports vitest; test files import
 * it directly, it is not re-exported here.
 */
export type { ApplyOutcome, OpLogPage, PullPage, StorageNode, StoredOp } from './StorageNode.js';
export { MemoryNode } from './MemoryNode.js';
export { SqliteNode, type SqliteNodeOptions } from './SqliteNode.js';
export { SqliteWorkerNode } from './SqliteWorkerNode.js';
export { PostgresNode, type PostgresNodeOptions } from './PostgresNode.js';
export { createNode, parseNodeSpec, parseNodeSpecs, NodeSpecError, type NodeSpec } from './createNode.js';
export { computeDigest } from './digest.js';
export { decodeOp, encodeOp, validateOp } from './opCodec.js';
