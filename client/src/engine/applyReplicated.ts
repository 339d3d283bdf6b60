import type { Dexie } from 'dexie';
import { OUTBOX, OUTCOMES } from '../db/internalStores.js';
import type { OutboxRow, OutcomeRow } from '../db/rows.js';
import { deleteOutboxRows, readOutboxRows } from '../db/outboxRows.js';
import { countOutboxHere } from '../status/outboxCounters.js';

/**
 * Drops writes the server reports as present on every node; they need no more keeping.
 * `seqOf` gives the outbox keys of ops this session saw accepted (applyPushResults'
 * `kept`): those rows are read and deleted by key (one range read and one range delete
 * for a batch) instead of through the `opId` index, and only their `_outcomes` rows
 * that exist (writes made with `sync.write()`) are read.
 */
export async function applyReplicated(db: Dexie, opIds: string[], seqOf?: ReadonlyMap<string, number>): Promise<void> {
  if (opIds.length === 0) return;
  opIds = [...new Set(opIds)];

  const byKey: string[] = [];
  let byIndex: string[] = [];
  for (const id of opIds) (seqOf?.has(id) ? byKey : byIndex).push(id);
  await db.transaction('rw', [OUTBOX, OUTCOMES], async () => {
    // Every row deleted here is read first: the outbox counts are kept here.
    const addCounts = countOutboxHere(db);
    const outbox = db.table<OutboxRow, number>(OUTBOX);
    const outcomes = db.table<OutcomeRow, string>(OUTCOMES);
    const at = Date.now();
    const read = await readOutboxRows(
      outbox,
      byKey.map((id) => seqOf!.get(id)!),
    );
    // Only accepted rows: a pending row's ok result still has to fold into `_state`.
    const gone: OutboxRow[] = [];
    byKey.forEach((id, i) => {
      const r = read.rows[i];
      if (r?.opId === id && r.status === 'accepted') gone.push(r);
      // Not where this session left it: looked up by op id (its outcome may still need the upgrade).
      else byIndex.push(id);
    });
    const tracked = gone.filter((r) => r.writeId).map((r) => r.opId);
    let fromIndex: OutboxRow[] = [];
    if (byIndex.length > 0) {
      fromIndex = (await outbox.where('opId').anyOf(byIndex).toArray()).filter((r) => r.status === 'accepted');
      byIndex = [...new Set(byIndex)];
    }
    await deleteOutboxRows(
      outbox,
      gone.map((r) => r.seq!),
      read,
    );
    if (fromIndex.length) await outbox.bulkDelete(fromIndex.map((r) => r.seq!));
    await addCounts({ pending: 0, accepted: -(gone.length + fromIndex.length) });
    const upgrade = (o: OutcomeRow) => ({ ...o, status: 'replicated' as const, at });
    if (tracked.length > 0) {
      const rows = (await outcomes.bulkGet(tracked)).filter((o): o is OutcomeRow => o?.status === 'accepted');
      if (rows.length) await outcomes.bulkPut(rows.map(upgrade));
    }
    if (byIndex.length > 0) {
      const rows = (await outcomes.where('opId').anyOf(byIndex).toArray()).filter((o) => o.status === 'accepted');
      if (rows.length) await outcomes.bulkPut(rows.map(upgrade));
    }
  });
}
