/** Helpers shared by the nodes' read paths. */
import { SyncError, type DocRow, type PullOnly, type RecordRow } from '@syncline/shared';

/** What a filtered pull reads: record rows, and doc rows of every doc (`true`), one doc (a name) or none. */
export function pullScope(only: PullOnly | undefined): { records: boolean; docs: boolean; doc?: string } {
  if (!only) return { records: true, docs: true };
  if ('doc' in only) return { records: false, docs: true, doc: only.doc };
  return { records: true, docs: false };
}

export function checkPullArgs(afterSeq: number, limit: number): void {
  if (!Number.isSafeInteger(afterSeq) || afterSeq < 0)
    throw new SyncError('INVALID_MESSAGE', `afterSeq must be a non-negative integer, got ${afterSeq}`);
  if (!Number.isSafeInteger(limit) || limit < 1) throw new SyncError('INVALID_MESSAGE', `limit must be a positive integer, got ${limit}`);
}

/**
 * Merges record and doc rows (each already ordered by seq and fetched with up
 * to limit+1 rows) into one page of at most `limit` rows in seq order.
 */
export function toPullPage<R extends { seq: number } = RecordRow, D extends { seq: number } = DocRow>(
  records: R[],
  docs: D[],
  afterSeq: number,
  limit: number,
): { records: R[]; docs: D[]; lastSeq: number; hasMore: boolean } {
  const page = { records: [] as R[], docs: [] as D[], lastSeq: afterSeq, hasMore: false };
  let r = 0;
  let d = 0;
  while (r < records.length || d < docs.length) {
    if (page.records.length + page.docs.length === limit) {
      page.hasMore = true;
      break;
    }
    const rec = records[r];
    const doc = docs[d];
    if (rec && (!doc || rec.seq < doc.seq)) {
      page.records.push(rec);
      page.lastSeq = rec.seq;
      r += 1;
    } else if (doc) {
      page.docs.push(doc);
      page.lastSeq = doc.seq;
      d += 1;
    }
  }
  return page;
}
