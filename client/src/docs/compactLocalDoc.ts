/**
 * Local compaction: once a document has more than `maxRows` rows in
 * `_docs`, they are replaced by one row holding `Y.mergeUpdates` of all of
 * them, in one transaction (so a reader sees either all the old rows or the
 * merged one). The outbox keeps its own copy of unsent updates, so compaction
 * never touches what still has to travel.
 */
import type { Dexie } from 'dexie';
import * as Y from 'yjs';
import { DOCS } from '../db/internalStores.js';
import { docsTable } from './docRows.js';

export async function compactLocalDoc(db: Dexie, space: string, doc: string, maxRows: number): Promise<boolean> {
  return db.transaction('rw', [DOCS], async () => {
    const table = docsTable(db);
    const rows = await table.where('[space+doc]').equals([space, doc]).toArray();
    if (rows.length <= maxRows) return false;
    const merged = Y.mergeUpdates(rows.map((r) => r.update));
    await table.bulkDelete(rows.map((r) => r.id!));
    await table.add({ space, doc, update: merged, origin: 'merged' });
    return true;
  });
}
