/**
 * Server-side compaction of Yjs documents on one storage node: every doc
 * with at least `minRows` stored updates gets them replaced by one
 * `Y.mergeUpdates` row, in one node transaction (StorageNode.compactDoc).
 *
 * Seq semantics: the merged row keeps the HIGHEST seq of the rows it
 * replaces. A client whose cursor is below that seq still receives it (a
 * superset of what it missed; Yjs ignores what it already has); a client at
 * or past it already had every merged update. No seq is created or reused,
 * so the node's "no seq N+1 before N" rule and every cursor stay valid.
 * Ops and op ids are untouched, so the node digest does not change.
 */
import * as Y from 'yjs';
import type { StorageNode } from '../storage/StorageNode.js';

export interface CompactOptions {
  /** Compact a doc once it holds this many update rows (default 64). */
  minRows?: number;
  /** Docs per round (default 100). */
  maxDocs?: number;
}

export interface CompactResult {
  docs: number;
  removedRows: number;
}

export async function compactDocs(node: StorageNode, opts: CompactOptions = {}): Promise<CompactResult> {
  const result: CompactResult = { docs: 0, removedRows: 0 };
  if (!node.docsToCompact || !node.compactDoc) return result;
  const candidates = await node.docsToCompact(Math.max(2, opts.minRows ?? 64), opts.maxDocs ?? 100);
  for (const c of candidates) {
    // Every stored update was checked to decode when pushed; a merge that
    // still throws aborts that doc's transaction and leaves its rows as they were.
    const removed = await node.compactDoc(c.space, c.doc, (updates) => Y.mergeUpdates(updates));
    if (removed > 0) {
      result.docs += 1;
      result.removedRows += removed;
    }
  }
  return result;
}
