/**
 * Applies pulled records: merges each into `_state` (both the server view
 * and the local view, which still holds pending local writes, so a pull never
 * undoes them), materializes the result into the app table, and stores the
 * new cursor, all in one transaction flagged as coming from the server.
 * A record with no pending local write is stored compactly in `_state`
 * (its stamp only; db/stateRows.ts), its values only in the app table.
 */
import { emptyState, mergeRecord, type DocRow, type RecordRow } from '@syncline/shared';
import type { Dexie } from 'dexie';
import { DOCS, META, STATE } from '../db/internalStores.js';
import { appendServerDocs } from '../docs/appendServerDocs.js';
import type { MetaRow, StateRow } from '../db/rows.js';
import { loadStates, primaryKeyOf, storedForm, type StoredStateRow } from '../db/stateRows.js';
import { markFromServer } from '../middleware/transactionFlags.js';
import { materializeMany } from './materializeInto.js';
import { observeStamps } from './observeStamps.js';

export async function applyServerRows(
  db: Dexie,
  clientId: string,
  tables: readonly string[],
  rows: RecordRow[],
  /** The pull cursor these rows bring the receiver to: `_meta` key and value (pullSpace.ts cursorKey). */
  cursor?: { key: string; value: string },
  /** Pulled Yjs updates: stored in `_docs` in the same transaction as the cursor. */
  docs: readonly DocRow[] = [],
): Promise<void> {
  // One entry per record, so a page holding a record twice merges both.
  const byKey = new Map<string, RecordRow>();
  for (const r of rows) {
    if (!tables.includes(r.table)) continue;
    const k = JSON.stringify([r.table, r.id]);
    const seen = byKey.get(k);
    byKey.set(k, seen ? { ...r, state: mergeRecord(seen.state, r.state) } : r);
  }
  const known = [...byKey.values()];
  const scope = [...new Set([STATE, META, ...(docs.length ? [DOCS] : []), ...known.map((r) => r.table)])];
  await db.transaction('rw', scope, async () => {
    markFromServer();
    const prevs = await loadStates(db, known.map((r) => [r.table, r.id]));
    const next: StateRow[] = [];
    for (const [i, row] of known.entries()) {
      const prev = prevs[i];
      next.push({
        table: row.table,
        id: row.id,
        space: prev?.space ?? row.space,
        server: mergeRecord(prev?.server ?? emptyState(), row.state),
        state: mergeRecord(prev?.state ?? emptyState(), row.state),
      });
    }
    // Compact where the app row gives the values back (db/stateRows.ts): a pulled record's values are stored once.
    const pks = new Map(tables.map((t) => [t, primaryKeyOf(db, t)]));
    await db.table<StoredStateRow, [string, string]>(STATE).bulkPut(next.map((r) => storedForm(r, pks.get(r.table)!)));
    await materializeMany(db, next);
    await observeStamps(db, clientId, known.map((r) => r.state));
    await appendServerDocs(db, docs);
    if (cursor) await db.table<MetaRow, string>(META).put({ key: cursor.key, value: cursor.value });
  });
}
