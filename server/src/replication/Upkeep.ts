/**
 * The replicator's background work, one round per health interval: ping the
 * nodes, repair stale ones (every `fullEvery`-th round: all of them, which
 * keeps repair cursors near the log heads), and re-check ops still waiting
 * for `replicated`. Repairs run one at a time (a chain), so the timer, a
 * node rejoining and an explicit `repair()` never repair concurrently.
 */
import type { NodeSet } from './NodeSet.js';
import type { NodeCall } from './callNode.js';
import type { Repairer } from './Repairer.js';
import type { ReplicationTracker } from './ReplicationTracker.js';
import { checkHealth } from './checkHealth.js';

export class Upkeep {
  private chain: Promise<unknown> = Promise.resolve();
  private running: Promise<void> | null = null;
  private rounds = 0;
  stopped = false;

  constructor(
    private readonly nodes: NodeSet,
    private readonly call: NodeCall,
    private readonly repairer: Repairer,
    private readonly tracker: ReplicationTracker,
    private readonly timeoutMs: number,
    private readonly fullEvery: number,
  ) {}

  /** One round; if one is running, that one. */
  round(): Promise<void> {
    if (this.running || this.stopped) return this.running ?? Promise.resolve();
    this.running = (async () => {
      try {
        await this.ping();
        if (this.rounds++ % this.fullEvery === 0) await this.repairAll();
        else await this.repairStale();
        await this.recheckReplicated();
      } finally {
        this.running = null;
      }
    })();
    return this.running;
  }

  ping(): Promise<void> {
    return checkHealth(this.nodes, this.call, this.timeoutMs);
  }

  repairAll(): Promise<void> {
    return this.locked(async () => {
      for (const e of this.nodes.up()) await this.repairer.repairNode(e);
    });
  }

  repairStale(): Promise<void> {
    if (this.stopped) return Promise.resolve();
    return this.locked(async () => {
      for (const e of this.nodes.up()) if (e.stale) await this.repairer.repairNode(e);
    });
  }

  /** Ops waiting for `replicated` may have reached nodes by repair (ours or another server's). */
  async recheckReplicated(): Promise<void> {
    await Promise.all(
      this.nodes.up().map(async (e) => {
        const ids = this.tracker.missing(e.node.id, 1000);
        if (ids.length === 0) return;
        const have = await this.call(e, 'hasOps', (n) => n.hasOps(ids)).catch(() => new Set<string>());
        this.tracker.arrived(e.node.id, have);
      }),
    );
  }

  /** Stop new rounds and wait for the running round and repairs. */
  async stop(): Promise<void> {
    this.stopped = true;
    await this.running;
    await this.chain;
  }

  private locked<T>(fn: () => Promise<T>): Promise<T> {
    const run = this.chain.then(fn, fn);
    this.chain = run.catch(() => undefined);
    return run;
  }
}
