/**
 * Reads for the HTTP API, built on the replicator's pull (the primary's
 * change order), so they need nothing from storage nodes beyond the pull
 * every node already serves. A pull from the start holds every record once,
 * at its latest seq; listing a table pages through it and keeps the live
 * rows of that table. Reading one record scans the space (O(space size)):
 * fine for a backend's occasional read, not for hot paths (docs/backend.md).
 */
import { materialize, type Json, type RecordRow } from '@syncline/shared';
import type { ServerContext } from '../socket/ServerContext.js';

export interface RecordItem {
  table: string;
  id: string;
  record: Record<string, Json>;
  seq: number;
}

export interface RecordPage {
  records: RecordItem[];
  cursor: string | null;
  hasMore: boolean;
}

function item(row: RecordRow): RecordItem | undefined {
  const record = materialize(row.state);
  return record === null ? undefined : { table: row.table, id: row.id, record, seq: row.seq };
}

/** The live record, or undefined when it does not exist or is deleted. */
export async function getRecord(ctx: ServerContext, space: string, table: string, id: string): Promise<RecordItem | undefined> {
  let cursor: string | null = null;
  let found: RecordRow | undefined;
  for (;;) {
    const page = await ctx.replicator.pull(space, cursor, ctx.opts.limits.maxPullLimit);
    // A record written during the scan shows up again at a later seq: the last one seen wins.
    for (const row of page.records) if (row.table === table && row.id === id) found = row;
    cursor = page.cursor;
    if (!page.hasMore) break;
  }
  return found && item(found);
}

/**
 * Up to `limit` live records of `table` after `cursor` (a cursor from a
 * previous page; absent: from the start). Scans at most a few pull pages,
 * so a page may hold fewer records while `hasMore` is still true.
 */
export async function listRecords(
  ctx: ServerContext,
  space: string,
  table: string,
  cursor: string | null,
  limit: number,
): Promise<RecordPage> {
  const records: RecordItem[] = [];
  const pageSize = ctx.opts.limits.maxPullLimit;
  for (let scanned = 0; scanned < 10; scanned++) {
    const page = await ctx.replicator.pull(space, cursor, Math.min(pageSize, limit - records.length));
    for (const row of page.records) {
      const it = row.table === table ? item(row) : undefined;
      if (it) records.push(it);
    }
    cursor = page.cursor;
    if (!page.hasMore || records.length >= limit) return { records, cursor, hasMore: page.hasMore };
  }
  return { records, cursor, hasMore: true };
}
