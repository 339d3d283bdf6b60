/**
 * `sync.write(fn, opts)`: runs `fn` in one read-write transaction, like
 * `withAck`, and returns a handle that follows that write to its outcome.
 *
 *   const w = await sync.write(() => db.cards.put(card), { ack: 'sync' });
 *   const o = await w.accepted;          // rejects with a SyncError if refused for good
 *   if (!o.held) warn(`only ${o.applied}${o.degraded ? ', degraded' : ''}`);
 *   await w.replicated;                  // on every node
 *
 * The outcome lives in `_outcomes` (per op, indexed by `writeId`), so any
 * tab can follow it, and the handle's `outcome()` works inside liveQuery.
 */
import { SyncError } from '@syncline/shared';
import { liveQuery, type Dexie } from 'dexie';
import { OUTCOMES } from '../db/internalStores.js';
import type { OutcomeRow } from '../db/rows.js';
import { markAck, type WriteAck } from '../middleware/transactionFlags.js';
import { readOutcome, type WriteOutcome } from './readOutcome.js';

export interface WriteOptions extends WriteAck {
  /** Tables `fn` may use (default: the synced tables). */
  tables?: string[];
}

export interface WriteHandle<T> {
  /** What `fn` returned. */
  result: T;
  writeId: string;
  /** Op ids of the changes this write recorded (empty if it changed nothing). */
  opIds: string[];
  /**
   * Resolves when the server accepted every op — check `held`: `false` when
   * the mode applied is weaker than asked (capped) or degraded. Rejects
   * with a SyncError (the server's code, not retryable) if an op was refused
   * for good. Retryable refusals keep it pending (`outcome().status` is
   * `retrying`).
   */
  accepted: Promise<WriteOutcome>;
  /** Resolves when every op is on every node; rejects like `accepted`. */
  replicated: Promise<WriteOutcome>;
  /** Where the write stands now. */
  outcome(): Promise<WriteOutcome>;
}

const DAY_MS = 24 * 60 * 60 * 1000;
let writes = 0;
let lastPrune = 0;

export async function write<T>(
  db: Dexie,
  syncedTables: string[],
  fn: () => T | Promise<T>,
  opts: WriteOptions = {},
): Promise<WriteHandle<T>> {
  const writeId = `w${Date.now().toString(36)}-${(++writes).toString(36)}-${Math.random().toString(36).slice(2, 8)}`;
  const track = { writeId, opIds: [] as string[] };
  // Kept until replicated by default, so `replicated` settles even across reconnects (the server
  // answers a re-sent op with `replicated` again); `until: 'accepted'` opts out of that.
  const ack: WriteAck = { ...(opts.ack ? { ack: opts.ack } : {}), until: opts.until ?? 'replicated', track };
  const result = (await db.transaction('rw', opts.tables ?? syncedTables, async () => {
    markAck(ack);
    return fn();
  })) as T;
  void prune(db);
  const asked = opts.ack ?? null;
  const outcome = () => readOutcome(db, writeId, track.opIds, asked);
  const accepted = settle(db, outcome, (o) => o.status === 'accepted' || o.status === 'replicated');
  const replicated = settle(db, outcome, (o) => o.status === 'replicated');
  return { result, writeId, opIds: track.opIds, accepted, replicated, outcome };
}

/** Resolves with the first outcome that is `done`, rejects on a rejection. Watches the database live. */
function settle(db: Dexie, read: () => Promise<WriteOutcome>, done: (o: WriteOutcome) => boolean): Promise<WriteOutcome> {
  const p = new Promise<WriteOutcome>((resolve, reject) => {
    const sub = liveQuery(read).subscribe({
      next: (o) => {
        if (o.status === 'rejected') {
          queueMicrotask(() => sub.unsubscribe());
          const e = o.error!;
          reject(new SyncError(e.code, `write ${o.writeId} was rejected: ${e.message}`, { writeId: o.writeId, opIds: o.opIds }));
        } else if (done(o)) {
          queueMicrotask(() => sub.unsubscribe());
          resolve(o);
        }
      },
      error: (err: unknown) => reject(err instanceof Error ? err : new Error(String(err))),
    });
  });
  // The app may await only one of the two promises: the other must not surface as unhandled.
  p.catch(() => undefined);
  return p;
}

/** Outcome rows older than a day are dropped (at most once an hour per tab). */
async function prune(db: Dexie): Promise<void> {
  const now = Date.now();
  if (now - lastPrune < 60 * 60 * 1000) return;
  lastPrune = now;
  await db
    .table<OutcomeRow, string>(OUTCOMES)
    .where('at')
    .below(now - DAY_MS)
    .delete()
    .catch(() => undefined);
}
