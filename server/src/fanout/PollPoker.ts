/**
 * The seq watcher. Servers started separately (without `--processes` or
 * `--redis`) are independent processes sharing the nodes, so a write made
 * through server A never passes through server B's Socket.IO rooms; with an
 * adapter it is the fallback path when a broadcast is lost. Every `intervalMs` this
 * watcher asks the replicator for changes after the last known tip of each
 * space that has local subscribers (one indexed read of at most one row per
 * space) and pokes the local room when the space advanced.
 *
 * Why this and not cluster-adapter or SQLite `data_version`: it needs no
 * coordinator process, works for every node type (also PostgreSQL), and uses
 * only the replicator's public `pull`. Correctness never depends on pokes
 * (clients pull on connect and on their own timer), so a missed poke costs
 * at most one interval of latency. A poke for a write this server already
 * poked is harmless: the client's pull comes back empty.
 */
import type { ReplicatorApi } from '../replication/types.js';

export interface PollPokerOptions {
  replicator: Pick<ReplicatorApi, 'pull'>;
  /** Spaces with subscribers on this server. */
  spaces: () => Iterable<string>;
  poke: (space: string) => void;
  intervalMs: number;
  onError?: (err: unknown) => void;
  /** Page size used to find a new space's tip once. */
  pageSize?: number;
}

export class PollPoker {
  private readonly tips = new Map<string, string>();
  private timer: NodeJS.Timeout | undefined;
  private running = false;

  constructor(private readonly opts: PollPokerOptions) {}

  start(): void {
    if (this.timer || this.opts.intervalMs <= 0) return;
    this.timer = setInterval(() => void this.tick(), this.opts.intervalMs);
    this.timer.unref();
  }

  stop(): void {
    clearInterval(this.timer);
    this.timer = undefined;
  }

  /** One round; exposed for tests. Rounds never overlap. */
  async tick(): Promise<void> {
    if (this.running) return;
    this.running = true;
    try {
      const live = new Set(this.opts.spaces());
      for (const space of this.tips.keys()) if (!live.has(space)) this.tips.delete(space);
      for (const space of live) await this.check(space);
    } finally {
      this.running = false;
    }
  }

  private async check(space: string): Promise<void> {
    try {
      const tip = this.tips.get(space);
      if (tip === undefined) {
        this.tips.set(space, await this.findTip(space));
        return;
      }
      const page = await this.opts.replicator.pull(space, tip, 1);
      if (page.records.length + page.docs.length > 0) {
        this.tips.set(space, await this.findTip(space, page.cursor));
        this.opts.poke(space);
      } else {
        this.tips.set(space, page.cursor);
      }
    } catch (err) {
      this.opts.onError?.(err);
    }
  }

  private async findTip(space: string, from: string | null = null): Promise<string> {
    let cursor = from;
    for (;;) {
      const page = await this.opts.replicator.pull(space, cursor, this.opts.pageSize ?? 1000);
      cursor = page.cursor;
      if (!page.hasMore) return cursor;
    }
  }
}
