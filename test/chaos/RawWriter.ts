/**
 * A protocol-level client (socket.io-client, docs/PROTOCOL.md) whose clock
 * is skewed: it stamps its writes `offsetMs` away from real time, so the
 * server's clock-skew bound (re-stamp) is exercised, and it records every
 * per-op answer exactly. Like a real client it re-sends indeterminate and
 * retryably-rejected ops with the same op id, and now and then re-sends an
 * op already acked, checking the answer is the original one (G1: same
 * status, same stored stamp).
 */
import { io, type Socket } from 'socket.io-client';
import { encodeHlc, PROTOCOL_VERSION, type Change, type OpResult, type PushReply } from '@syncline/shared';
import type { Rng } from './prng.js';
import { SPACE } from './EngineWriter.js';

export interface RawOp {
  change: Change & { kind: 'put' };
  state: 'pending' | 'acked' | 'rejected';
  /** The stamp the server said it stored (its re-stamp, or ours). */
  storedHlc?: string;
  sends: number;
}

export class RawWriter {
  readonly ops = new Map<string, RawOp>();
  /** G1 violations: a re-send answered differently from the first ack. */
  readonly mismatches: string[] = [];
  offsetMs: number;
  private socket: Socket | undefined;
  private serverIndex = 0;
  private n = 0;
  private counter = 0;
  private stopped = false;

  constructor(
    readonly name: string,
    private readonly servers: () => string[],
    offsetMs: number,
    private readonly rand: Rng,
  ) {
    this.offsetMs = offsetMs;
  }

  /** Creates `count` new ops and pushes everything pending (plus maybe one acked op again). */
  async tick(count: number): Promise<void> {
    for (let i = 0; i < count; i++) this.newOp();
    await this.pushPending(true);
  }

  /** Re-sends until nothing is pending or `deadline` passes. */
  async drain(deadline: number): Promise<void> {
    while (Date.now() < deadline && [...this.ops.values()].some((o) => o.state === 'pending')) {
      await this.pushPending(false);
      await new Promise((r) => setTimeout(r, 100));
    }
  }

  dropConnection(): void {
    this.socket?.disconnect();
    this.socket = undefined;
  }

  close(): void {
    this.stopped = true;
    this.dropConnection();
  }

  private newOp(): void {
    const n = ++this.n;
    const id = `${this.name}-${n}`;
    const hlc = encodeHlc({ ms: Date.now() + this.offsetMs, counter: ++this.counter % 1000, node: this.name });
    const change = { kind: 'put' as const, opId: `${this.name}:${n}`, space: SPACE, table: 'items', id, hlc, fields: { v: n } };
    this.ops.set(change.opId, { change, state: 'pending', sends: 0 });
  }

  private async pushPending(maybeRepeat: boolean): Promise<void> {
    const batch = [...this.ops.values()].filter((o) => o.state === 'pending').slice(0, 50);
    const acked = [...this.ops.values()].filter((o) => o.state === 'acked');
    if (maybeRepeat && acked.length > 0 && this.rand() < 0.3) batch.push(this.rand.pick(acked));
    if (batch.length === 0 || this.stopped) return;
    const socket = await this.connect();
    if (!socket) return;
    for (const o of batch) o.sends++;
    let reply: PushReply;
    try {
      reply = (await socket.timeout(6000).emitWithAck('push', { changes: batch.map((o) => o.change) })) as PushReply;
    } catch {
      this.dropConnection(); // no answer: indeterminate, re-sent later with the same op ids
      return;
    }
    if (!reply || !Array.isArray(reply.results)) return; // an ErrorReply (e.g. draining): retry later
    reply.results.forEach((r, i) => this.record(batch[i]!, r));
  }

  private record(op: RawOp, r: OpResult): void {
    if (r.opId !== op.change.opId) throw new Error(`result for ${r.opId} in the slot of ${op.change.opId}`);
    if (r.status === 'ok') {
      const stored = r.hlc ?? op.change.hlc;
      if (op.state === 'acked' && stored !== op.storedHlc)
        this.mismatches.push(`${op.change.opId}: first acked with ${op.storedHlc}, re-send answered ${stored}`);
      if (op.state === 'rejected') this.mismatches.push(`${op.change.opId}: rejected, then ok`);
      op.state = 'acked';
      op.storedHlc ??= stored;
    } else if (r.status === 'rejected' && r.error && !r.error.retryable) {
      if (op.state === 'acked') this.mismatches.push(`${op.change.opId}: acked, re-send rejected ${r.error.code}`);
      else op.state = 'rejected';
    }
  }

  private async connect(): Promise<Socket | undefined> {
    if (this.socket?.connected) return this.socket;
    this.dropConnection();
    const urls = this.servers();
    const url = urls[this.serverIndex++ % urls.length]!;
    const socket = io(url, {
      transports: ['websocket'],
      reconnection: false,
      forceNew: true,
      timeout: 2000,
      auth: { clientId: this.name, protocol: PROTOCOL_VERSION },
    });
    const ok = await new Promise<boolean>((resolve) => {
      const timer = setTimeout(() => resolve(false), 3000);
      socket.once('welcome', () => (clearTimeout(timer), resolve(true)));
      socket.once('connect_error', () => (clearTimeout(timer), resolve(false)));
    });
    if (!ok) {
      socket.close();
      return undefined;
    }
    this.socket = socket;
    return socket;
  }
}
