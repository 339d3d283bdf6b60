/**
 * The change feed of a space: every record row and Yjs update committed on
 * the primary after a cursor, in commit (seq) order, each with the cursor
 * to resume after it. At-least-once: resuming from an item's cursor never
 * misses a later change; it repeats items only when the consumer resumes
 * from an older cursor than the last item it handled, or when the cursor
 * names a node that is no longer the primary (then the feed restarts from
 * the space's beginning). A record written several times between two
 * reads appears once, with its latest state (docs/backend.md).
 */
import { materialize, type Json } from '@syncline/shared';
import type { ServerContext } from '../socket/ServerContext.js';
import { decodeCursor, encodeCursor } from '../replication/cursor.js';

export type FeedItem =
  | {
      kind: 'record';
      space: string;
      table: string;
      id: string;
      seq: number;
      cursor: string;
      deleted: boolean;
      record: Record<string, Json> | null;
    }
  | { kind: 'doc'; space: string; doc: string; seq: number; cursor: string; update: string };

export interface FeedPage {
  changes: FeedItem[];
  /** Resume here for the next page (also when `changes` is empty). */
  cursor: string;
  hasMore: boolean;
}

export async function feedPage(ctx: ServerContext, space: string, cursor: string | null, limit: number): Promise<FeedPage> {
  const page = await ctx.replicator.pull(space, cursor, Math.min(limit, ctx.opts.limits.maxPullLimit));
  const node = decodeCursor(page.cursor).nodeId;
  const at = (seq: number) => encodeCursor(node, seq);
  const changes: FeedItem[] = [
    ...page.records.map((r): FeedItem => {
      const record = materialize(r.state);
      return { kind: 'record', space, table: r.table, id: r.id, seq: r.seq, cursor: at(r.seq), deleted: record === null, record };
    }),
    ...page.docs.map((d): FeedItem => ({
      kind: 'doc',
      space,
      doc: d.doc,
      seq: d.seq,
      cursor: at(d.seq),
      update: Buffer.from(d.update).toString('base64'),
    })),
  ].sort((a, b) => a.seq - b.seq);
  return { changes, cursor: page.cursor, hasMore: page.hasMore };
}

/** How often an idle feed asks the primary for new changes. */
export const FEED_POLL_MS = 250;

/**
 * Long-poll: the first non-empty page after `cursor`, or an empty one once
 * `waitMs` passed (or the server started draining / `stop()` says so).
 */
export async function waitForPage(
  ctx: ServerContext,
  space: string,
  cursor: string | null,
  limit: number,
  waitMs: number,
  stop: () => boolean = () => false,
): Promise<FeedPage> {
  const until = Date.now() + waitMs;
  for (;;) {
    const page = await feedPage(ctx, space, cursor, limit);
    if (page.changes.length > 0 || page.hasMore || Date.now() >= until || ctx.isDraining() || stop()) return page;
    cursor = page.cursor;
    await new Promise((r) => setTimeout(r, Math.min(FEED_POLL_MS, Math.max(0, until - Date.now()))));
  }
}
