import type { Dexie } from 'dexie';
import { META, REJECTED } from './db/internalStores.js';
import { MetaKeys } from './db/meta.js';
import type { MetaRow, RejectedRow } from './db/rows.js';

/** Persists extra subscribed spaces so the leader (any tab) resubscribes them on every connect. */
export async function addSpaces(db: Dexie, spaces: string[]): Promise<void> {
  await db.transaction('rw', META, async () => {
    const meta = db.table<MetaRow, string>(META);
    const row = await meta.get(MetaKeys.spaces);
    const prev = Array.isArray(row?.value) ? (row.value as string[]) : [];
    await meta.put({ key: MetaKeys.spaces, value: [...new Set([...prev, ...spaces])] });
  });
}

export function listRejected(db: Dexie): Promise<RejectedRow[]> {
  return db.table<RejectedRow, number>(REJECTED).toArray();
}

export async function discardRejected(db: Dexie, opIds: string[]): Promise<void> {
  await db.table<RejectedRow, number>(REJECTED).where('opId').anyOf(opIds).delete();
}
