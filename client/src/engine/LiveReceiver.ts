/**
 * Applies record rows the server delivers live (`changes`, docs/PROTOCOL.md
 * "Live delivery") at once: the same field-LWW merge as a pull
 * (applyServerRows), so a row delivered by both a broadcast and a pull, or
 * twice, changes nothing the second time.
 *
 * The space's cursor moves only over contiguous ranges (HighWaterCursor):
 * a message whose range starts after the cursor is applied but the cursor
 * waits, and a pull fills the gap. Pulls and live applies of one space run
 * one at a time (`exclusive`), so the cursor written is always the one that
 * covers what is stored.
 *
 * Backpressure: messages that arrive while an apply runs wait and are
 * applied together in the next one (rows merged per record) — coalescing
 * only when the receiver is behind. Past `maxRows` waiting rows the queue is
 * dropped and the space is pulled instead.
 */
import { HighWaterCursor, formatCursor, parseCursor, type ChangesMessage, type RecordRow } from '@syncline/shared';
import type { Dexie } from 'dexie';
import { META } from '../db/internalStores.js';
import type { MetaRow } from '../db/rows.js';
import { applyServerRows } from './applyServerRows.js';
import { cursorKey } from './pullSpace.js';

export interface LiveReceiverOptions {
  clientId: string;
  tables: readonly string[];
  /** Ask the session to pull the space (gap, other node, overflow, failure). */
  requestPull(space: string): void;
  maxRows?: number;
  /** Stamps of own writes folded into `_state` by their acks (applyServerRows `own`). */
  own?: { has(stamp: string): boolean };
}

interface SpaceState {
  hw: HighWaterCursor | null;
  queue: ChangesMessage[];
  queuedRows: number;
  lock: Promise<void>;
  scheduled: boolean;
}

export class LiveReceiver {
  private readonly spaces = new Map<string, SpaceState>();
  /** Counters (tests, status). */
  readonly stats = { messages: 0, applied: 0, coalesced: 0, gaps: 0, overflows: 0 };

  constructor(
    private readonly db: Dexie,
    private readonly opts: LiveReceiverOptions,
  ) {}

  /** Runs `fn` (a pull of the space's records) while no live apply of the space runs; `fn` reports the cursor it stored. */
  exclusive<T>(space: string, fn: () => Promise<T>): Promise<T> {
    const st = this.state(space);
    const run = st.lock.then(fn);
    st.lock = run.then(
      () => undefined,
      () => undefined,
    );
    return run;
  }

  /** A pull stored this cursor for the space's records. */
  pulled(space: string, cursor: string): void {
    const st = this.state(space);
    if (st.hw) st.hw.reset(parseCursor(cursor));
    else st.hw = new HighWaterCursor(parseCursor(cursor));
  }

  offer(msg: ChangesMessage): void {
    if (!isChanges(msg)) return;
    this.stats.messages++;
    const st = this.state(msg.space);
    st.queue.push(msg);
    st.queuedRows += msg.records.length;
    if (st.queuedRows > (this.opts.maxRows ?? 20_000)) {
      // Too far behind: the pull is cheaper than applying the backlog message by message.
      this.stats.overflows++;
      st.queue = [];
      st.queuedRows = 0;
      this.opts.requestPull(msg.space);
      return;
    }
    if (st.scheduled) return;
    st.scheduled = true;
    void this.exclusive(msg.space, () => this.drain(msg.space, st)).catch(() => {
      // Not stored: the pull is the correctness path.
      st.hw = null;
      this.opts.requestPull(msg.space);
    });
  }

  private async drain(space: string, st: SpaceState): Promise<void> {
    st.scheduled = false;
    const batch = st.queue;
    st.queue = [];
    st.queuedRows = 0;
    if (batch.length === 0) return;
    if (batch.length > 1) this.stats.coalesced += batch.length - 1;
    const key = cursorKey(space);
    if (!st.hw) {
      const row = await this.db.table<MetaRow, string>(META).get(key);
      st.hw = new HighWaterCursor(parseCursor(typeof row?.value === 'string' ? row.value : null));
    }
    const before = st.hw.value;
    let needPull = false;
    const rows: RecordRow[] = [];
    for (const m of batch) {
      const r = st.hw.offer(m.node, m.fromSeq, m.toSeq);
      if (r.kind === 'stale') continue;
      if (r.kind !== 'advanced') needPull = true;
      for (const row of m.records) if (row.space === space) rows.push(row);
    }
    const after = st.hw.value;
    const moved = after && (!before || after.seq !== before.seq || after.node !== before.node);
    if (rows.length > 0 || moved) {
      try {
        await applyServerRows(
          this.db,
          this.opts.clientId,
          this.opts.tables,
          rows,
          moved ? { key, value: formatCursor(after) } : undefined,
          [],
          this.opts.own,
        );
      } catch (err) {
        st.hw = null; // re-read the stored cursor next time
        throw err;
      }
      this.stats.applied += rows.length;
    }
    if (needPull) {
      this.stats.gaps++;
      this.opts.requestPull(space);
    }
  }

  private state(space: string): SpaceState {
    let st = this.spaces.get(space);
    if (!st) this.spaces.set(space, (st = { hw: null, queue: [], queuedRows: 0, lock: Promise.resolve(), scheduled: false }));
    return st;
  }
}

function isChanges(m: unknown): m is ChangesMessage {
  const x = m as ChangesMessage;
  return (
    typeof x?.space === 'string' &&
    typeof x.node === 'string' &&
    Number.isSafeInteger(x.fromSeq) &&
    Number.isSafeInteger(x.toSeq) &&
    Array.isArray(x.records)
  );
}
