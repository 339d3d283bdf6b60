/**
 * Continuous writes through one socket: one put per push, back to back,
 * each outcome recorded with when it was sent and answered. Tests then ask
 * which writes were acked, rejected (with which code) or indeterminate in a
 * time window, and check that every acked write is still there at the end.
 */
import type { Socket } from 'socket.io-client';
import type { AckMode, PushReply, WireError } from '@syncline/shared';
import { ChangeMaker } from '../../helpers/changes.js';
import { request } from '../../helpers/syncClient.js';

export interface WriteOutcome {
  opId: string;
  id: string;
  sentAt: number;
  doneAt: number;
  /** `noreply`: the request itself timed out or the socket dropped (like indeterminate). */
  status: 'ok' | 'rejected' | 'indeterminate' | 'noreply';
  error?: WireError;
}

export class WriteLoop {
  readonly outcomes: WriteOutcome[] = [];
  private readonly maker: ChangeMaker;
  private running = false;
  private loop: Promise<void> | undefined;
  private n = 0;

  constructor(
    private readonly socket: Socket,
    readonly clientId: string,
    readonly space: string,
    private readonly opts: { ack?: AckMode; pauseMs?: number; replyTimeoutMs?: number } = {},
  ) {
    this.maker = new ChangeMaker(clientId);
  }

  start(): this {
    this.running = true;
    this.loop = this.run();
    return this;
  }

  async stop(): Promise<void> {
    this.running = false;
    await this.loop;
  }

  /** Record ids whose write was acked `ok`. */
  acked(): string[] {
    return this.outcomes.filter((o) => o.status === 'ok').map((o) => o.id);
  }

  /** Outcomes of writes sent at or after `from` (ms, performance.now()) and before `to`. */
  sentBetween(from: number, to = Infinity): WriteOutcome[] {
    return this.outcomes.filter((o) => o.sentAt >= from && o.sentAt < to);
  }

  /** Resolves once `count` more writes have been answered `ok` (or throws after `timeoutMs`). */
  async waitForAcks(count: number, timeoutMs = 10_000): Promise<void> {
    const target = this.acked().length + count;
    const deadline = performance.now() + timeoutMs;
    while (this.acked().length < target) {
      if (performance.now() > deadline)
        throw new Error(`${this.clientId}: fewer than ${count} acks in ${timeoutMs} ms; last: ${JSON.stringify(this.outcomes.at(-1))}`);
      await sleep(20);
    }
  }

  private async run(): Promise<void> {
    while (this.running) {
      const id = `${this.clientId}-${++this.n}`;
      const change = this.maker.put(this.space, id, { n: this.n, by: this.clientId });
      const sentAt = performance.now();
      const base = { opId: change.opId, id, sentAt };
      try {
        const payload = this.opts.ack ? { changes: [change], ack: this.opts.ack } : { changes: [change] };
        const reply = await request<PushReply | { error: WireError }>(this.socket, 'push', payload, this.opts.replyTimeoutMs ?? 15_000);
        if ('error' in reply) {
          this.outcomes.push({ ...base, doneAt: performance.now(), status: 'rejected', error: reply.error });
        } else {
          const r = reply.results[0]!;
          this.outcomes.push({ ...base, doneAt: performance.now(), status: r.status, ...(r.error ? { error: r.error } : {}) });
        }
      } catch {
        this.outcomes.push({ ...base, doneAt: performance.now(), status: 'noreply' });
        await sleep(100);
      }
      if (this.opts.pauseMs) await sleep(this.opts.pauseMs);
    }
  }
}

export function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}
