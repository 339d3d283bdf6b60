import type { Dexie } from 'dexie';
import { OUTBOX, REJECTED } from '../db/internalStores.js';
import type { OutboxRow } from '../db/rows.js';

export interface OutboxStats {
  pendingCount: number;
  awaitingReplicationCount: number;
  /** createdAt of the oldest pending write (its age is computed when read). */
  oldestPendingAt: number | null;
  rejectedCount: number;
}

/** Counts read from the database, so every tab sees every tab's writes. Usable inside liveQuery. */
export async function readOutboxStats(db: Dexie): Promise<OutboxStats> {
  const outbox = db.table<OutboxRow, number>(OUTBOX);
  const [pendingCount, awaitingReplicationCount, oldest, rejectedCount] = await Promise.all([
    outbox.where('status').equals('pending').count(),
    outbox.where('status').equals('accepted').count(),
    outbox.where('status').equals('pending').first(),
    db.table(REJECTED).count(),
  ]);
  return { pendingCount, awaitingReplicationCount, oldestPendingAt: oldest?.createdAt ?? null, rejectedCount };
}
