import type { Dexie } from 'dexie';
import { META, OUTBOX, REJECTED } from '../db/internalStores.js';
import type { MetaRow, OutboxRow } from '../db/rows.js';
import { ACK_COUNTS_KEY, readAckCounts } from '../outcomes/recordOutcome.js';
import { OUTBOX_COUNTS_KEY, readOutboxCounts } from './outboxCounters.js';

export interface OutboxStats {
  pendingCount: number;
  awaitingReplicationCount: number;
  /** createdAt of the oldest pending write (its age is computed when read). */
  oldestPendingAt: number | null;
  rejectedCount: number;
  degradedAckCount: number;
  cappedAckCount: number;
}

/** Counts read from the database, so every tab sees every tab's writes. Usable inside liveQuery; reads kept counts, no outbox scan. */
export async function readOutboxStats(db: Dexie): Promise<OutboxStats> {
  const outbox = db.table<OutboxRow, number>(OUTBOX);
  const meta = db.table<MetaRow, string>(META);
  const [counted, oldest, rejectedCount, acks] = await Promise.all([
    meta.get(OUTBOX_COUNTS_KEY),
    outbox.where('status').equals('pending').first(),
    db.table(REJECTED).count(),
    meta.get(ACK_COUNTS_KEY),
  ]);
  // Kept by the outbox counters (status/outboxCounters.ts); a database with no outbox write since they exist is counted.
  const counts = readOutboxCounts(counted) ?? {
    pending: await outbox.where('status').equals('pending').count(),
    accepted: await outbox.where('status').equals('accepted').count(),
  };
  const { pending: pendingCount, accepted: awaitingReplicationCount } = counts;
  const { degraded, capped } = readAckCounts(acks);
  return {
    pendingCount,
    awaitingReplicationCount,
    oldestPendingAt: oldest?.createdAt ?? null,
    rejectedCount,
    degradedAckCount: degraded,
    cappedAckCount: capped,
  };
}
