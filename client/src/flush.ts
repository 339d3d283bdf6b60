/**
 * `flush()`: resolves when every write pending at call time has reached the
 * asked level. It reads only the database, so it works in any tab, whether
 * or not that tab is the one syncing. It looks again whenever Dexie reports
 * a committed change to `_outbox` (its `storagemutated` event: this tab's
 * writes, and other tabs' where Dexie relays them), and every `pollMs`
 * besides, so it resolves right after the ack that ends the wait commits
 * instead of up to a poll later.
 */
import { SyncError } from '@syncline/shared';
import { Dexie, type ObservabilitySet } from 'dexie';
import { OUTBOX, REJECTED } from './db/internalStores.js';
import type { KeepUntil, OutboxRow, RejectedRow } from './db/rows.js';

export interface FlushOptions {
  /** `accepted` (default): the server acked per its ack mode; `replicated`: every node has it. */
  until?: KeepUntil;
  /** Reject with SyncError TIMEOUT after this long (default 30 s). */
  timeoutMs?: number;
  /** How often to look when no `_outbox` change was reported (default 20 ms). */
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
    (until === 'replicated'
      ? await outbox.limit(1).primaryKeys()
      : await outbox.where('status').equals('pending').limit(1).primaryKeys())[0] as number | undefined;
  const changes = outboxChanges(db);
  try {
    for (;;) {
      changes.seen();
      const [oldest, dead] = await db.transaction('r', [OUTBOX, REJECTED], async () => [
        await oldestLeft(),
        // A rejected write keeps its outbox key; older rejections in the same range are not ours.
        (await db.table<RejectedRow, number>(REJECTED).where('seq').between(first, last, true, true).toArray()).filter((r) =>
          asked.has(r.seq!),
        ),
      ]);
      const rejected = dead[0] as RejectedRow | undefined;
      if (rejected)
        throw new SyncError(rejected.error.code, `write ${rejected.opId} was rejected: ${rejected.error.message}`, { opId: rejected.opId });
      if (oldest === undefined || oldest > last) return;
      if (Date.now() >= deadline) {
        const left = await outbox
          .where('seq')
          .belowOrEqual(last)
          .filter((r) => until === 'replicated' || r.status === 'pending')
          .count();
        throw new SyncError('TIMEOUT', `flush: ${left} write(s) not ${until} in time`, { pending: left });
      }
      await changes.next(Math.min(opts.pollMs ?? 20, Math.max(1, deadline - Date.now())));
    }
  } finally {
    changes.stop();
  }
}

/**
 * Dexie's `storagemutated` reports for this database's `_outbox` (fired after a commit). A report that came
 * since `seen()` makes `next()` return at once: a change committed while the outbox was being read is not missed.
 */
function outboxChanges(db: Dexie): { seen(): void; next(ms: number): Promise<void>; stop(): void } {
  const prefix = `idb://${db.name}/${OUTBOX}/`;
  let changed = false;
  let wake: (() => void) | null = null;
  const listener = (parts: ObservabilitySet) => {
    for (const part in parts) {
      if (!part.startsWith(prefix)) continue;
      changed = true;
      wake?.();
      return;
    }
  };
  Dexie.on.storagemutated.subscribe(listener);
  return {
    seen: () => (changed = false),
    next: (ms) =>
      changed
        ? Promise.resolve()
        : new Promise<void>((resolve) => {
            const timer = setTimeout(done, ms);
            function done() {
              clearTimeout(timer);
              wake = null;
              resolve();
            }
            wake = done;
          }),
    stop: () => Dexie.on.storagemutated.unsubscribe(listener),
  };
}
