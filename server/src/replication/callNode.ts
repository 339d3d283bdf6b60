/**
 * Every read/bookkeeping call to a node goes through here: bounded by a
 * timeout, and a failure marks the node down (it is pinged and repaired
 * before it counts as up to date again).
 */
import type { StorageNode } from '../storage/StorageNode.js';
import type { NodeEntry, NodeSet } from './NodeSet.js';
import { withTimeout } from './withTimeout.js';
import { isNodeFault } from './nodeFault.js';

export type NodeCall = <T>(entry: NodeEntry, what: string, fn: (node: StorageNode) => Promise<T>) => Promise<T>;

export function nodeCaller(nodes: NodeSet, timeoutMs: number): NodeCall {
  return async (entry, what, fn) => {
    try {
      return await withTimeout(fn(entry.node), timeoutMs, `${what} on ${entry.node.id}`);
    } catch (err) {
      if (isNodeFault(err)) nodes.markDown(entry, err);
      throw err;
    }
  };
}
