/**
 * Engine side of per-write outcomes: turns one op's push result into its
 * `_outcomes` row, and keeps the persistent counts of acks weaker than
 * asked (`_meta` `ackCounts`, shown in the status).
 */
import type { AckMode, OpResult, WireError } from '@syncline/shared';
import type { Dexie } from 'dexie';
import { META } from '../db/internalStores.js';
import type { MetaRow, OutboxRow, OutcomeRow } from '../db/rows.js';

const STRENGTH: Record<AckMode, number> = { async: 0, 'semi-sync': 1, sync: 2 };

/** Whether the server ran a weaker mode than the write asked for. */
export function isCapped(asked: AckMode | undefined, applied: AckMode | undefined): boolean {
  return asked !== undefined && applied !== undefined && STRENGTH[applied] < STRENGTH[asked];
}

export function acceptedOutcome(row: OutboxRow, res: OpResult, applied: AckMode | undefined, replicated: boolean, at: number): OutcomeRow {
  return {
    opId: row.opId,
    writeId: row.writeId!,
    status: replicated ? 'replicated' : 'accepted',
    asked: row.ack ?? null,
    ...(applied ? { applied } : {}),
    degraded: res.degraded === true,
    capped: isCapped(row.ack, applied),
    at,
  };
}

export function failedOutcome(row: OutboxRow, status: 'retrying' | 'rejected', error: WireError, at: number): OutcomeRow {
  return { opId: row.opId, writeId: row.writeId!, status, asked: row.ack ?? null, error, at };
}

export const ACK_COUNTS_KEY = 'ackCounts';

export interface AckCounts {
  /** Ops acked `degraded` (fewer nodes than the applied mode asks). */
  degraded: number;
  /** Ops run in a weaker mode than they asked for (server cap). */
  capped: number;
}

/** Adds to the persistent counts; call inside a transaction that includes `_meta`. */
export async function addAckCounts(db: Dexie, add: AckCounts): Promise<void> {
  if (add.degraded === 0 && add.capped === 0) return;
  const meta = db.table<MetaRow, string>(META);
  const now = readAckCounts(await meta.get(ACK_COUNTS_KEY));
  await meta.put({ key: ACK_COUNTS_KEY, value: { degraded: now.degraded + add.degraded, capped: now.capped + add.capped } });
}

export function readAckCounts(row: MetaRow | undefined): AckCounts {
  const v = row?.value as Partial<AckCounts> | undefined;
  return { degraded: v?.degraded ?? 0, capped: v?.capped ?? 0 };
}
