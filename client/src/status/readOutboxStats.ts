import type { Dexie } from 'dexie';
import { META, OUTBOX, REJECTED } from '../db/internalStores.js';
import type { MetaRow, OutboxRow } from '../db/rows.js';
import { ACK_COUNTS_KEY, readAckCounts } from '../outcomes/recordOutcome.js';

export interface OutboxStats {
  pendingCount: number;
  awaitingReplicationCount: number;
  /** createdAt of the oldest pending write (its age is computed when read). */
  oldestPendingAt: number | null;
  rejectedCount: number;
  degradedAckCount: number;
  cappedAckCount: number;
}

/** Counts read from the database, so every tab sees every tab's writes. Usable inside liveQuery. */
export async function readOutboxStats(db: Dexie): Promise<OutboxStats> {
  const outbox = db.table<OutboxRow, number>(OUTBOX);
  const [pendingCount, awaitingReplicationCount, oldest, rejectedCount, acks] = await Promise.all([
    outbox.where('status').equals('pending').count(),
    outbox.where('status').equals('accepted').count(),
    outbox.where('status').equals('pending').first(),
    db.table(REJECTED).count(),
    db.table<MetaRow, string>(META).get(ACK_COUNTS_KEY),
  ]);
  const { degraded, capped } = readAckCounts(acks);
  return { pendingCount, awaitingReplicationCount, oldestPendingAt: oldest?.createdAt ?? null, rejectedCount, degradedAckCount: degraded, cappedAckCount: capped };
}
