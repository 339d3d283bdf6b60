/**
 * The outcome of one `sync.write()`, folded from its ops' `_outcomes` rows
 * (a write that touched several records has several ops). Reads only the
 * database, so it works in any tab and inside liveQuery.
 */
import type { AckMode, WireError } from '@syncline/shared';
import type { Dexie } from 'dexie';
import { OUTCOMES } from '../db/internalStores.js';
import type { OutcomeRow } from '../db/rows.js';

export interface WriteOutcome {
  writeId: string;
  opIds: string[];
  /**
   * `pending`: not answered yet; `retrying`: refused or unanswered for now
   * with a retryable error (in `error`), sent again; `accepted`: every op
   * acked; `replicated`: every op on every node; `rejected`: an op was
   * refused for good (`error`, not retryable).
   */
  status: 'pending' | 'retrying' | 'accepted' | 'replicated' | 'rejected';
  /** Mode asked for (`null`: the server's default). */
  asked: AckMode | null;
  /** Weakest mode the server applied to an op of this write (`null` until accepted). */
  applied: AckMode | null;
  /** An op was acked with fewer nodes than its mode asks (server `--fallback degrade`). */
  degraded: boolean;
  /** An op ran in a weaker mode than asked (server `--max-ack`). */
  capped: boolean;
  /** Accepted, and the asked mode held for every op: neither degraded nor capped. */
  held: boolean;
  error: WireError | null;
}

const STRENGTH: Record<AckMode, number> = { async: 0, 'semi-sync': 1, sync: 2 };

export async function readOutcome(db: Dexie, writeId: string, opIds: string[], asked: AckMode | null): Promise<WriteOutcome> {
  const rows = await db.table<OutcomeRow, string>(OUTCOMES).where('writeId').equals(writeId).toArray();
  return foldOutcome(writeId, opIds, asked, rows);
}

export function foldOutcome(writeId: string, opIds: string[], asked: AckMode | null, rows: OutcomeRow[]): WriteOutcome {
  const byOp = new Map(rows.map((r) => [r.opId, r]));
  const mine = opIds.map((id) => byOp.get(id));
  const done = mine.filter((r): r is OutcomeRow => r !== undefined && (r.status === 'accepted' || r.status === 'replicated'));
  const rejected = mine.find((r) => r?.status === 'rejected');
  const retrying = mine.find((r) => r?.status === 'retrying');
  let applied: AckMode | null = null;
  for (const r of done) if (r.applied && (applied === null || STRENGTH[r.applied] < STRENGTH[applied])) applied = r.applied;
  const degraded = done.some((r) => r.degraded === true);
  const capped = done.some((r) => r.capped === true);
  const status: WriteOutcome['status'] = rejected
    ? 'rejected'
    : done.length === opIds.length
      ? done.every((r) => r.status === 'replicated')
        ? 'replicated'
        : 'accepted'
      : retrying
        ? 'retrying'
        : 'pending';
  const accepted = status === 'accepted' || status === 'replicated';
  return {
    writeId,
    opIds,
    status,
    asked,
    applied,
    degraded,
    capped,
    held: accepted && !degraded && !capped,
    error: rejected?.error ?? retrying?.error ?? null,
  };
}
