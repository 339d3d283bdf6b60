import type { Table } from 'dexie';
import { materialize, type RecordState } from '@syncline/shared';

/** Writes the visible form of a record state into its app table (or deletes it). */
export async function materializeInto(table: Table, id: string, state: RecordState): Promise<void> {
  const obj = materialize(state);
  if (obj === null) {
    await table.delete(id);
    return;
  }
  const keyPath = table.schema.primKey.keyPath as string;
  await table.put({ ...obj, [keyPath]: id });
}
