/**
 * Resync after a primary failover: the client's cursor names a node that is
 * no longer the primary, and its seq means nothing on the new one. Instead of
 * re-sending the whole space, the client sends a summary (one digest per
 * bucket of records, shared/src/resyncSummary.ts); we read the space from
 * the new primary, compute the same summary, and send only the records of
 * the buckets that differ, all of the space's document updates (Yjs updates
 * merge idempotently and are not summarized), and a cursor on this node.
 *
 * Why the cursor is sound: the scan reads the space in seq order until the
 * node says there is no more. A record written during the scan gets a seq
 * past the scan's position, so the scan still meets it (or the next pull,
 * after the returned cursor, does).
 */
import { ResyncSummary, type DocRow, type RecordRow } from '@syncline/shared';
import type { PullPage } from '../storage/StorageNode.js';

export interface ResyncResult {
  records: RecordRow[];
  docs: DocRow[];
  lastSeq: number;
  /** Records in the space (for the caller's counters). */
  scanned: number;
}

/** Scan page size: independent of the client's page limit. */
const SCAN_PAGE = 1000;

/**
 * Reads the whole space through `pull` and keeps what the client lacks.
 * Returns null when the difference would not fit in one reply of `limit`
 * rows: the caller then falls back to a plain pull from the start.
 */
export async function resyncFromSummary(
  pull: (afterSeq: number, limit: number) => Promise<PullPage>,
  digests: readonly string[],
  limit: number,
): Promise<ResyncResult | null> {
  const latest = new Map<string, RecordRow>();
  const docs: DocRow[] = [];
  let after = 0;
  for (;;) {
    const page = await pull(after, SCAN_PAGE);
    // A record met twice moved during the scan: its later row is the newer state.
    for (const r of page.records) latest.set(JSON.stringify([r.table, r.id]), r);
    docs.push(...page.docs);
    after = page.lastSeq;
    if (!page.hasMore) break;
  }
  const mine = new ResyncSummary(digests.length);
  for (const r of latest.values()) mine.add(r.table, r.id, r.state);
  const ours = mine.digests();
  const differing = new Set<number>();
  ours.forEach((d, i) => {
    if (d !== digests[i]) differing.add(i);
  });
  const records = [...latest.values()].filter((r) => differing.has(mine.bucket(r.table, r.id)));
  if (records.length + docs.length > limit) return null;
  return { records, docs, lastSeq: after, scanned: latest.size };
}
