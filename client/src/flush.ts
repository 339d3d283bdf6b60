/**
 * `flush()`: resolves when every write pending at call time has reached the
 * asked level. It reads only the database, so it works in any tab, whether
 * or not that tab is the one syncing.
 */
import { SyncError } from '@syncline/shared';
import type { Dexie } from 'dexie';
import { OUTBOX, REJECTED } from './db/internalStores.js';
import type { KeepUntil, OutboxRow, RejectedRow } from './db/rows.js';

export interface FlushOptions {
  /** `accepted` (default): the server acked per its ack mode; `replicated`: every node has it. */
  until?: KeepUntil;
  /** Reject with SyncError TIMEOUT after this long (default 30 s). */
  timeoutMs?: number;
  /** How often to look (default 20 ms). */
  pollMs?: number;
}

export async function flush(db: Dexie, opts: FlushOptions = {}): Promise<void> {
  const until = opts.until ?? 'accepted';
  const deadline = Date.now() + (opts.timeoutMs ?? 30_000);
  const seqs = await db.transaction('rw', OUTBOX, async () => {
    const outbox = db.table<OutboxRow, number>(OUTBOX);
    // Asking for `replicated` makes those writes stay in the outbox until it is known.
    if (until === 'replicated') await outbox.where('status').equals('pending').modify({ keep: 'replicated' });
    return (await outbox.toCollection().primaryKeys()) as number[];
  });
  if (seqs.length === 0) return;
  // Outbox keys only grow, so what is left of the writes pending at call time is the
  // remaining rows up to the last of them.
  const last = seqs[seqs.length - 1]!;
  const first = seqs[0]!;
  const asked = new Set(seqs);
  const outbox = db.table<OutboxRow, number>(OUTBOX);
  // Whether any of them is left, by key only (one request): for `accepted` the oldest pending row (the status
  // index orders equal statuses by seq), for `replicated` the oldest row. Reading every row left (a cursor
  // step per row) each poll cost more than the writes being waited for once thousands were queued.
  const oldestLeft = async () =>
    ((until === 'replicated' ? await outbox.limit(1).primaryKeys() : await outbox.where('status').equals('pending').limit(1).primaryKeys())[0] as
      | number
      | undefined);
  for (;;) {
    const [oldest, dead] = await db.transaction('r', [OUTBOX, REJECTED], async () => [
      await oldestLeft(),
      // A rejected write keeps its outbox key; older rejections in the same range are not ours.
      (await db.table<RejectedRow, number>(REJECTED).where('seq').between(first, last, true, true).toArray()).filter((r) =>
        asked.has(r.seq!),
      ),
    ]);
    const rejected = dead[0] as RejectedRow | undefined;
    if (rejected) throw new SyncError(rejected.error.code, `write ${rejected.opId} was rejected: ${rejected.error.message}`, { opId: rejected.opId });
    if (oldest === undefined || oldest > last) return;
    if (Date.now() >= deadline) {
      const left = await outbox
        .where('seq')
        .belowOrEqual(last)
        .filter((r) => until === 'replicated' || r.status === 'pending')
        .count();
      throw new SyncError('TIMEOUT', `flush: ${left} write(s) not ${until} in time`, { pending: left });
    }
    await new Promise((r) => setTimeout(r, opts.pollMs ?? 20));
  }
}
