/**
 * The seeded fault schedule. Every `gapMs` (randomized) one fault starts and
 * undoes itself after a random while, so faults overlap. Kinds:
 *  - kill:        SIGKILL a server, restart it on the same port later
 *  - pause:       SIGSTOP a server, SIGCONT later (a frozen process holding sockets)
 *  - maintenance: take a storage node out on every server (admin endpoint), back later
 *  - drop:        cut a client's connection (it reconnects at once)
 *  - offline:     a client has no network for a long while
 *  - skew:        a raw writer's clock jumps a day ahead, then back
 *  - redis:       restart the private Redis (every key and subscription lost)
 * At most one server is down or paused at a time, and at most one node is in
 * maintenance, so the cluster always has a way to make progress; the
 * checker then asserts nothing acked was lost.
 */
import { ChaosCluster, NODE_IDS } from './ChaosCluster.js';
import type { EngineWriter } from './EngineWriter.js';
import type { RawWriter } from './RawWriter.js';
import { sleep, type Rng } from './prng.js';

export type FaultKind = 'kill' | 'pause' | 'maintenance' | 'drop' | 'offline' | 'skew' | 'redis';

export interface FaultEnv {
  cluster: ChaosCluster;
  clients: EngineWriter[];
  raw: RawWriter[];
  rand: Rng;
  log: (line: string) => void;
}

export class FaultSchedule {
  readonly counts: Record<FaultKind, number> = { kill: 0, pause: 0, maintenance: 0, drop: 0, offline: 0, skew: 0, redis: 0 };
  private readonly running = new Set<Promise<void>>();
  private serverBusy = false;
  private nodeBusy = false;
  private redisBusy = false;
  readonly errors: string[] = [];

  constructor(private readonly env: FaultEnv) {}

  /** Starts faults until `until`, then waits for every fault to undo itself. */
  async run(until: number, gapMs: [number, number]): Promise<void> {
    const { rand } = this.env;
    while (Date.now() < until) {
      await sleep(rand.int(gapMs[0], gapMs[1]));
      if (Date.now() >= until) break;
      const p = this.one().catch((err: unknown) => void this.errors.push(String((err as Error)?.stack ?? err)));
      this.running.add(p);
      void p.finally(() => this.running.delete(p));
    }
    await Promise.all([...this.running]);
  }

  get total(): number {
    return Object.values(this.counts).reduce((a, b) => a + b, 0);
  }

  private async one(): Promise<void> {
    const { cluster, clients, raw, rand, log } = this.env;
    const kinds: FaultKind[] = ['kill', 'kill', 'pause', 'pause', 'maintenance', 'drop', 'drop', 'offline', 'skew'];
    if (cluster.redis) kinds.push('redis');
    const kind = rand.pick(kinds);
    const hold = rand.int(500, 3000);
    switch (kind) {
      case 'kill': {
        if (this.serverBusy) return;
        this.serverBusy = true;
        const slot = rand.pick(cluster.servers);
        this.counts.kill++;
        log(`kill -9 ${slot.name}, restart in ${hold} ms`);
        try {
          await cluster.kill(slot);
          await sleep(hold);
          await cluster.launch(slot);
        } finally {
          this.serverBusy = false;
        }
        return;
      }
      case 'pause': {
        if (this.serverBusy) return;
        this.serverBusy = true;
        const slot = rand.pick(cluster.servers);
        this.counts.pause++;
        log(`SIGSTOP ${slot.name} for ${hold} ms`);
        cluster.pause(slot);
        await sleep(hold);
        cluster.resume(slot);
        this.serverBusy = false;
        return;
      }
      case 'maintenance': {
        if (this.nodeBusy) return;
        this.nodeBusy = true;
        const id = rand.pick(NODE_IDS);
        this.counts.maintenance++;
        log(`node ${id} into maintenance for ${hold} ms`);
        try {
          await cluster.setMaintenance(id, true);
          await sleep(hold);
          await cluster.setMaintenance(id, false);
        } finally {
          this.nodeBusy = false;
        }
        return;
      }
      case 'drop': {
        const all = [...clients.map((c) => () => c.drop()), ...raw.map((w) => () => w.dropConnection())];
        if (all.length === 0) return;
        this.counts.drop++;
        rand.pick(all)();
        return;
      }
      case 'offline': {
        const c = clients.length > 0 ? rand.pick(clients) : undefined;
        if (!c || c.offline) return;
        const long = hold * 3;
        this.counts.offline++;
        log(`client ${c.name} offline for ${long} ms`);
        c.goOffline();
        await sleep(long);
        c.offline = false;
        return;
      }
      case 'skew': {
        const w = raw.length > 0 ? rand.pick(raw) : undefined;
        if (!w) return;
        const before = w.offsetMs;
        this.counts.skew++;
        log(`${w.name} clock jumps +1 day for ${hold} ms`);
        w.offsetMs = 86_400_000;
        await sleep(hold);
        w.offsetMs = before;
        return;
      }
      case 'redis': {
        if (this.redisBusy || !cluster.redis) return;
        this.redisBusy = true;
        this.counts.redis++;
        log(`redis restart`);
        try {
          await cluster.redis.restart();
        } finally {
          this.redisBusy = false;
        }
        return;
      }
    }
  }
}
