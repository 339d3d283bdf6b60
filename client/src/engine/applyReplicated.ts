import type { Dexie } from 'dexie';
import { OUTBOX, OUTCOMES } from '../db/internalStores.js';
import type { OutboxRow, OutcomeRow } from '../db/rows.js';

/** Drops writes the server reports as present on every node; they need no more keeping. */
export async function applyReplicated(db: Dexie, opIds: string[]): Promise<void> {
  if (opIds.length === 0) return;
  await db.transaction('rw', [OUTBOX, OUTCOMES], async () => {
    // Only accepted rows: a pending row's ok result still has to fold into `_state`.
    await db.table<OutboxRow, number>(OUTBOX).where('opId').anyOf(opIds).and((r) => r.status === 'accepted').delete();
    const at = Date.now();
    await db
      .table<OutcomeRow, string>(OUTCOMES)
      .where('opId')
      .anyOf(opIds)
      .and((o) => o.status === 'accepted')
      .modify((o) => {
        o.status = 'replicated';
        o.at = at;
      });
  });
}
