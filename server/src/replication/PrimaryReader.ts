/**
 * Serves pulls from the current primary (DESIGN §3). A failing primary is
 * marked down by the node call and the next one is tried. A cursor that
 * names another node restarts at seq 0, or, for a client that can summarize
 * what it holds, is answered with only the difference (docs/failover.md).
 */
import { SyncError, type PullOnly, type PullReply } from '@syncline/shared';
import { isNodeFault } from './nodeFault.js';
import type { NodeSet } from './NodeSet.js';
import type { NodeCall } from './callNode.js';
import { encodeCursor, startSeq } from './cursor.js';
import { resyncFromSummary } from './resync.js';
import type { PullResync } from './types.js';

/** Pull counters since start (part of ReplicatorStats). */
export interface PullCounters {
  cursorResets: number;
  resyncs: number;
  resyncRows: number;
}

export class PrimaryReader {
  readonly counters: PullCounters = { cursorResets: 0, resyncs: 0, resyncRows: 0 };

  constructor(
    private readonly nodes: NodeSet,
    private readonly call: NodeCall,
  ) {}

  async pull(
    space: string,
    cursor: string | null | undefined,
    limit: number,
    only?: PullOnly,
    resync?: PullResync,
  ): Promise<Omit<PullReply, 'space'>> {
    // A document's own pull restarts at 0 on a new primary: its updates are all it holds.
    if (only && 'doc' in only) resync = undefined;
    // A failing primary is marked down by the call; the next one is tried.
    for (let attempt = 0; attempt < this.nodes.size; attempt++) {
      const primary = this.nodes.primary();
      if (!primary) break;
      const { afterSeq, reset } = startSeq(cursor, primary.node.id);
      // The cursor names another node: a client that can summarize what it
      // holds is asked to (one extra round trip), then sent only the difference.
      if (reset && resync === true) return { records: [], docs: [], cursor: cursor!, hasMore: true, needSummary: true };
      let page;
      try {
        if (reset && Array.isArray(resync)) {
          const pullOn = (after: number, n: number) => this.call(primary, 'pull', (node) => node.pull(space, after, n, only));
          const found = await resyncFromSummary(pullOn, resync, limit);
          if (found) {
            this.counters.resyncs++;
            this.counters.resyncRows += found.records.length;
            return { records: found.records, docs: found.docs, cursor: encodeCursor(primary.node.id, found.lastSeq), hasMore: false };
          }
        }
        page = await this.call(primary, 'pull', (n) => n.pull(space, afterSeq, limit, only));
      } catch (err) {
        if (isNodeFault(err)) continue;
        throw err; // the request itself is bad (e.g. limit): no other node would take it
      }
      if (reset) this.counters.cursorResets++;
      return { records: page.records, docs: page.docs, cursor: encodeCursor(primary.node.id, page.lastSeq), hasMore: page.hasMore };
    }
    throw new SyncError('NOT_ENOUGH_REPLICAS', 'no storage node is up to serve pulls');
  }
}
