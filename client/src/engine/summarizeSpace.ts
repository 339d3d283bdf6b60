/**
 * The resync summary of one space (shared/src/resyncSummary.ts) from the
 * server view this client holds in `_state` and `_pages`: what the new primary compares
 * with its own records after a primary failover.
 */
import { ResyncSummary, resyncBucketCount } from '@syncline/shared';
import type { Dexie } from 'dexie';
import { loadSpaceStates } from '../db/stateRows.js';

export async function summarizeSpace(db: Dexie, space: string): Promise<string[]> {
  // One bulk read (a cursor walk, `each`, costs a task per row in IndexedDB); compact rows read their values from the app table.
  const rows = await loadSpaceStates(db, space);
  const summary = new ResyncSummary(resyncBucketCount(rows.length));
  // Rows that never came from the server (local writes not yet pulled back) have an empty server view: skip them.
  for (const r of rows) {
    if (Object.keys(r.server.fields).length > 0 || r.server.del !== undefined) summary.add(r.table, r.id, r.server);
  }
  return summary.digests();
}
