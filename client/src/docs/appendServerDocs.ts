/**
 * Stores pulled doc updates in `_docs` (origin `server`). Called inside the
 * pull's transaction, so the updates and the cursor that covers them commit
 * together: a crash never advances the cursor past an update we lack.
 * Open documents pick the rows up (see openDoc); applying an update a Y.Doc
 * already has — our own edit coming back, or a server-compacted row — is a
 * no-op in Yjs.
 */
import type { DocRow } from '@syncline/shared';
import type { Dexie } from 'dexie';
import { docsTable, toBytes, type DocUpdateRow } from './docRows.js';

export async function appendServerDocs(db: Dexie, docs: readonly DocRow[]): Promise<void> {
  if (docs.length === 0) return;
  const rows: DocUpdateRow[] = docs.map((d) => ({ space: d.space, doc: d.doc, update: toBytes(d.update), origin: 'server' }));
  await docsTable(db).bulkAdd(rows);
}
