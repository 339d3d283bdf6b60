/**
 * Ack latency of the engine clients during a chaos campaign: the time from
 * a write (the app's `put` resolving) until it left the outbox's `pending`
 * state (the server acked it), sampled every 50 ms from the database — so it
 * measures what an app sees, on any client version. Writes still unacked
 * when the faults end count with their age at that moment (a lower bound).
 * Writes whose client was cut off by an `offline` fault at some point before
 * their ack are also summarized apart: their wait is the fault's length,
 * not the system's.
 */
import type { Dexie } from 'dexie';
import { OUTBOX, type OutboxRow } from '@syncline/client';

export interface LatencySummary {
  count: number;
  p50Ms: number;
  p99Ms: number;
  maxMs: number;
  /** Writes not acked when the probe stopped (counted with their age then). */
  unacked: number;
}

export class AckLatencyProbe {
  private readonly waiting = new Map<string, number>();
  private readonly samples: number[] = [];
  private readonly onlineSamples: number[] = [];
  /** Waiting writes whose client went offline before their ack. */
  private readonly tainted = new Set<string>();
  private timer: ReturnType<typeof setInterval> | undefined;
  private busy = false;

  constructor(
    private readonly db: Dexie,
    private readonly isOffline: () => boolean = () => false,
  ) {}

  wrote(id: string, at: number): void {
    this.waiting.set(id, at);
    if (this.isOffline()) this.tainted.add(id);
    this.timer ??= setInterval(() => void this.tick(), 50);
  }

  private async tick(): Promise<void> {
    if (this.busy || this.waiting.size === 0) return;
    this.busy = true;
    try {
      const pending = new Set((await this.db.table<OutboxRow>(OUTBOX).where('status').equals('pending').toArray()).map((r) => r.id));
      const now = Date.now();
      const offline = this.isOffline();
      for (const [id, at] of this.waiting) {
        if (pending.has(id)) {
          if (offline) this.tainted.add(id);
          continue;
        }
        this.samples.push(now - at);
        if (!this.tainted.delete(id)) this.onlineSamples.push(now - at);
        this.waiting.delete(id);
      }
    } catch {
      // the database is closing
    } finally {
      this.busy = false;
    }
  }

  /** Stops sampling; returns every latency, unacked writes included at their current age. */
  async stop(): Promise<{ samples: number[]; onlineSamples: number[]; unacked: number }> {
    await this.tick();
    clearInterval(this.timer);
    const now = Date.now();
    const unacked = [...this.waiting.values()].map((at) => now - at);
    const onlineUnacked = [...this.waiting].filter(([id]) => !this.tainted.has(id)).map(([, at]) => now - at);
    return { samples: [...this.samples, ...unacked], onlineSamples: [...this.onlineSamples, ...onlineUnacked], unacked: unacked.length };
  }
}

export function summarize(samples: number[], unacked: number): LatencySummary {
  const s = [...samples].sort((a, b) => a - b);
  const at = (q: number) => (s.length === 0 ? 0 : s[Math.min(s.length - 1, Math.ceil(q * s.length) - 1)]!);
  return { count: s.length, p50Ms: at(0.5), p99Ms: at(0.99), maxMs: s.at(-1) ?? 0, unacked };
}
