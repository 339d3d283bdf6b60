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
 *
 * Never blocks the event loop (issue 13 F5): with SQLite nodes a pull can
 * complete without any I/O wait, so a loop of awaits over 60,000 spaces ran
 * as one long stretch of microtasks and /healthz stalled for 49 s. A round
 * now yields to the event loop (setImmediate) after every `batchSize`
 * checks and between the pages of a tip search, and checks at most
 * `maxPerRound` spaces, continuing where it stopped in the next round. The
 * live spaces are listed once per sweep, not per round (listing 60,000
 * rooms ten times a second cost more than the checks).
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
  /** Spaces checked between two yields to the event loop (default 8). */
  batchSize?: number;
  /** Spaces checked per round at most (default 500); the next round goes on from there, so with S spaces a poke for another process's write may take S/500 rounds (pokes are hints: clients also pull on a timer). */
  maxPerRound?: number;
}

const yieldToLoop = () => new Promise<void>((resolve) => setImmediate(resolve));

export class PollPoker {
  private readonly tips = new Map<string, string>();
  private timer: NodeJS.Timeout | undefined;
  private running = false;
  /** The spaces of the current sweep, and where the next round starts in it. */
  private sweep: string[] = [];
  private offset = 0;

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
      // One sweep over a snapshot of the live spaces, spread over rounds: listing 60,000 rooms every
      // round would itself cost more than the checks.
      if (this.offset >= this.sweep.length) this.startSweep();
      const batch = this.opts.batchSize ?? 8;
      const end = Math.min(this.sweep.length, this.offset + (this.opts.maxPerRound ?? 500));
      for (let i = this.offset; i < end; i++) {
        if (i > this.offset && (i - this.offset) % batch === 0) await yieldToLoop();
        await this.check(this.sweep[i]!);
      }
      this.offset = end;
    } finally {
      this.running = false;
    }
  }

  private startSweep(): void {
    const live = new Set(this.opts.spaces());
    for (const space of this.tips.keys()) if (!live.has(space)) this.tips.delete(space);
    this.sweep = [...live];
    this.offset = 0;
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
      await yieldToLoop();
    }
  }
}
