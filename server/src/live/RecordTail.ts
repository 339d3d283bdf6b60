/**
 * Live delivery of committed record rows (docs/PROTOCOL.md "Live delivery").
 *
 * After a write with record ops is committed on the primary, the space's
 * tail reads the record rows after the last seq it broadcast (one indexed
 * read on the primary, `only: { records: true }`) and emits them as one
 * `changes` message covering (fromSeq, toSeq] to the space's room — through
 * the Socket.IO adapter, so subscribers on every server get it. Because the
 * tail reads what the primary committed, the rows carry their real node and
 * seq, and a message covers its range completely: receivers can advance
 * their cursor over it.
 *
 * Writes that land while a read is in flight fold into one more read
 * (coalescing under load, never a fixed delay). A space nobody listens to
 * (`hasListeners`, known only without an adapter) is not read after each
 * write (issue 14: re-reading every committed row cost the write path
 * ~2–4%); its tail only notes it is behind, and catches up in whole pages
 * when a write lands with a listener, which it pokes (it pulls anyway). The first write to a space
 * on this server, and a primary change (failover), have no known tip: the
 * tail learns the tip, then pokes the room instead (receivers pull).
 */
import { Events, parseCursor, type ChangesMessage, type NodeSeq, type PullOnly } from '@syncline/shared';
import type { ReplicatorApi } from '../replication/types.js';

const RECORDS: PullOnly = { records: true };

export interface RecordTailOptions {
  replicator: Pick<ReplicatorApi, 'pull'>;
  /** Emits to the space's room on every server. */
  emit(space: string, event: typeof Events.changes | typeof Events.poke, payload: unknown): void;
  pageSize: number;
  /**
   * Whether anyone may receive the space's messages; false lets a write skip
   * the read. Absent: always (as with an adapter, where other servers' rooms
   * are not known here).
   */
  hasListeners?(space: string): boolean;
  /** Spaces whose tip is remembered (least recently written forgotten first). */
  maxSpaces?: number;
  onError?(err: unknown): void;
}

interface Tail {
  tip: NodeSeq | undefined;
  running: boolean;
  again: boolean;
  /** Rows were committed past `tip` while nobody listened: catch up without sending them. */
  behind: boolean;
}

export class RecordTails {
  private readonly tails = new Map<string, Tail>();
  /** Counters for tests and metrics. */
  readonly stats = { messages: 0, rows: 0, pokes: 0, reads: 0 };

  constructor(private readonly opts: RecordTailOptions) {}

  /** Record ops of `space` were committed on the primary. */
  committed(space: string): void {
    let tail = this.tails.get(space);
    if (tail) {
      this.tails.delete(space); // re-insert: most recently written last
    } else {
      tail = { tip: undefined, running: false, again: false, behind: false };
      if (this.tails.size >= (this.opts.maxSpaces ?? 10_000)) this.tails.delete(this.tails.keys().next().value!);
    }
    this.tails.set(space, tail);
    if (this.opts.hasListeners?.(space) === false) {
      tail.behind = true;
      return;
    }
    if (tail.running) {
      tail.again = true;
      return;
    }
    tail.running = true;
    void this.run(space, tail);
  }

  private async run(space: string, tail: Tail): Promise<void> {
    try {
      do {
        tail.again = false;
        await this.round(space, tail);
      } while (tail.again);
    } catch (err) {
      // A failed read loses nothing: receivers pull (poke now, and their own timers).
      tail.tip = undefined;
      this.poke(space);
      this.opts.onError?.(err);
    } finally {
      tail.running = false;
    }
  }

  private async round(space: string, tail: Tail): Promise<void> {
    if (!tail.tip) {
      // Tip first, then the poke: every row the tip covers is committed before receivers pull.
      tail.behind = false;
      tail.tip = await this.findTip(space);
      this.poke(space);
      return;
    }
    if (tail.behind) {
      // Nobody received the rows since the tip: skip them (the listeners that
      // joined since pulled on subscribe; the poke covers the rest).
      tail.behind = false;
      tail.tip = await this.findTip(space, tail.tip);
      this.poke(space);
      return;
    }
    for (;;) {
      const from = tail.tip;
      this.stats.reads++;
      const page = await this.opts.replicator.pull(space, `${from.node}:${from.seq}`, this.opts.pageSize, RECORDS);
      const to = parseCursor(page.cursor);
      if (!to || to.node !== from.node) {
        // The primary changed: its seqs are not comparable to ours.
        tail.tip = undefined;
        tail.tip = await this.findTip(space);
        this.poke(space);
        return;
      }
      if (page.records.length > 0) {
        const msg: ChangesMessage = { space, node: to.node, fromSeq: from.seq, toSeq: to.seq, records: page.records };
        this.stats.messages++;
        this.stats.rows += page.records.length;
        this.opts.emit(space, Events.changes, msg);
      }
      tail.tip = to;
      if (!page.hasMore) return;
    }
  }

  /** The primary's tip of the space, paging from `from` (or the start; from another node's tip: the start). */
  private async findTip(space: string, from?: NodeSeq): Promise<NodeSeq | undefined> {
    let cursor: string | null = from ? `${from.node}:${from.seq}` : null;
    for (;;) {
      this.stats.reads++;
      const page = await this.opts.replicator.pull(space, cursor, this.opts.pageSize, RECORDS);
      cursor = page.cursor;
      if (!page.hasMore) return parseCursor(cursor);
    }
  }

  private poke(space: string): void {
    this.stats.pokes++;
    this.opts.emit(space, Events.poke, { space });
  }
}
