/**
 * The receiver's side of live delivery (docs/PROTOCOL.md "Live delivery"):
 * a pull cursor `<node>:<seq>` that moves only over contiguous seq ranges.
 *
 * A `changes` message covers (from, to] of one node completely. The cursor
 * moves to `to` only when it is already at or past `from` on that node; a
 * range that starts later is kept (its rows are applied at once — merge is
 * idempotent — but the cursor waits) until the ranges before it arrive or a
 * pull fills the gap. So the cursor never passes a seq the receiver has not
 * applied.
 */

export interface NodeSeq {
  node: string;
  seq: number;
}

/** Parses `<node>:<seq>` (the server's cursor form); undefined when it is not one. */
export function parseCursor(cursor: string | null | undefined): NodeSeq | undefined {
  if (!cursor) return undefined;
  const at = cursor.lastIndexOf(':');
  const text = at > 0 ? cursor.slice(at + 1) : '';
  if (!/^\d{1,15}$/.test(text)) return undefined;
  return { node: cursor.slice(0, at), seq: Number(text) };
}

export function formatCursor(c: NodeSeq): string {
  return `${c.node}:${c.seq}`;
}

export type OfferResult =
  /** The cursor moved (to `seq`). */
  | { kind: 'advanced'; seq: number }
  /** Nothing new: the range is at or before the cursor. */
  | { kind: 'stale' }
  /** The range starts after the cursor: held until the gap is filled; pull to fill it. */
  | { kind: 'gap' }
  /** The range is from another node than the cursor's (failover) or there is no cursor: pull. */
  | { kind: 'other-node' };

export class HighWaterCursor {
  /** Ranges received ahead of the cursor, by start; bounded. */
  private ahead: { from: number; to: number }[] = [];

  constructor(
    private cur: NodeSeq | undefined,
    private readonly maxAhead = 256,
  ) {}

  get value(): NodeSeq | undefined {
    return this.cur;
  }

  /** A pull (the correctness path) set the cursor; ranges it covers are dropped. */
  reset(cursor: NodeSeq | undefined): void {
    if (!cursor || !this.cur || cursor.node !== this.cur.node) this.ahead = [];
    this.cur = cursor;
    this.drain();
  }

  offer(node: string, from: number, to: number): OfferResult {
    if (!(to >= from) || !Number.isFinite(from) || !Number.isFinite(to)) return { kind: 'stale' };
    if (!this.cur || this.cur.node !== node) return { kind: 'other-node' };
    if (to <= this.cur.seq) return { kind: 'stale' };
    if (from > this.cur.seq) {
      this.ahead.push({ from, to });
      this.ahead.sort((a, b) => a.from - b.from);
      if (this.ahead.length > this.maxAhead) this.ahead.pop();
      return { kind: 'gap' };
    }
    this.cur = { node, seq: to };
    this.drain();
    return { kind: 'advanced', seq: this.cur.seq };
  }

  /** Whether ranges are waiting for a gap to be filled. */
  get hasGap(): boolean {
    return this.ahead.length > 0;
  }

  private drain(): void {
    if (!this.cur) return;
    for (;;) {
      const c: NodeSeq = this.cur;
      this.ahead = this.ahead.filter((r) => r.to > c.seq);
      const next = this.ahead.find((r) => r.from <= c.seq);
      if (!next) return;
      this.cur = { node: c.node, seq: next.to };
    }
  }
}
