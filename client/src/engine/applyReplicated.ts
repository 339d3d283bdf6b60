import type { Dexie } from 'dexie';
import { OUTBOX } from '../db/internalStores.js';
import type { OutboxRow } from '../db/rows.js';

/** Drops writes the server reports as present on every node; they need no more keeping. */
export async function applyReplicated(db: Dexie, opIds: string[]): Promise<void> {
  if (opIds.length === 0) return;
  // Only accepted rows: a pending row's ok result still has to fold into `_state`.
  await db.table<OutboxRow, number>(OUTBOX).where('opId').anyOf(opIds).and((r) => r.status === 'accepted').delete();
}
