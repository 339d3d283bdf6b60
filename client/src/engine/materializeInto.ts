import type { Dexie, Table } from 'dexie';
import { materialize, type RecordState } from '@syncline/shared';

/** Writes the visible form of a record state into its app table (or deletes it). */
export async function materializeInto(table: Table, id: string, state: RecordState): Promise<void> {
  await materializeMany(table.db, [{ table: table.name, id, state }]);
}

export interface Materialized {
  table: string;
  id: string;
  state: RecordState;
}

/**
 * The same for many records at once: one bulkPut and one bulkDelete per
 * table, so a page costs a few IndexedDB round trips instead of one per
 * record. Each (table, id) must appear at most once.
 */
export async function materializeMany(db: Dexie, items: readonly Materialized[]): Promise<void> {
  const byTable = new Map<string, { key: string; puts: object[]; deletes: string[] }>();
  for (const it of items) {
    let g = byTable.get(it.table);
    if (!g) byTable.set(it.table, (g = { key: keyPathOf(db.table(it.table)), puts: [], deletes: [] }));
    const obj = materialize(it.state);
    if (obj === null) g.deletes.push(it.id);
    else g.puts.push({ ...obj, [g.key]: it.id });
  }
  // Issued together (one wait): an id is either deleted or put, never both.
  const writes: Promise<unknown>[] = [];
  for (const [name, g] of byTable) {
    const table = db.table(name);
    if (g.deletes.length) writes.push(table.bulkDelete(g.deletes));
    if (g.puts.length) writes.push(table.bulkPut(g.puts));
  }
  await Promise.all(writes);
}

function keyPathOf(table: Table): string {
  return table.schema.primKey.keyPath as string;
}
