/**
 * One pino line per replication event an operator wants to read without
 * /status: a node going down or coming back, maintenance in and out, a
 * repair's start and finish (ops, duration), and the first
 * NOT_ENOUGH_REPLICAS and the first degraded ack of an episode. An episode
 * ends with the next full (non-degraded) ack. Every kind of line is rate
 * limited per subject: within `minIntervalMs` of the last line the event is
 * only counted, and the next line says how many were suppressed.
 */
export interface EventLogger {
  info(obj: object, msg: string): void;
  warn(obj: object, msg: string): void;
}

export class RateLimiter {
  private readonly last = new Map<string, { at: number; suppressed: number }>();

  constructor(
    private readonly minIntervalMs: number,
    private readonly now: () => number = Date.now,
  ) {}

  /** Whether a line for `key` may be written now; if so, how many were suppressed since the last one. */
  take(key: string): { ok: true; suppressed: number } | { ok: false } {
    const t = this.now();
    const prev = this.last.get(key);
    if (prev && t - prev.at < this.minIntervalMs) {
      prev.suppressed++;
      return { ok: false };
    }
    this.last.set(key, { at: t, suppressed: 0 });
    return { ok: true, suppressed: prev?.suppressed ?? 0 };
  }
}

export class ReplicationEvents {
  private readonly limiter: RateLimiter;
  private refusing = false;
  private degrading = false;

  constructor(
    private readonly logger: EventLogger | undefined,
    minIntervalMs = 10_000,
    now: () => number = Date.now,
  ) {
    this.limiter = new RateLimiter(minIntervalMs, now);
  }

  nodeDown(node: string, error: string | undefined): void {
    this.line('warn', `down:${node}`, { node, error }, 'storage node down');
  }

  nodeUp(node: string): void {
    this.line('info', `up:${node}`, { node }, 'storage node back up (repair follows)');
  }

  maintenance(node: string, on: boolean): void {
    this.line(
      'info',
      `maintenance:${node}:${on}`,
      { node },
      on ? 'storage node into maintenance' : 'storage node out of maintenance (repair follows)',
    );
  }

  repairStarted(node: string): void {
    this.line('info', `repair-start:${node}`, { node }, 'repair started');
  }

  repairFinished(node: string, ops: number, durationMs: number, ok: boolean): void {
    this.line(
      ok ? 'info' : 'warn',
      `repair-end:${node}`,
      { node, ops, durationMs, ok },
      ok ? 'repair finished' : 'repair stopped (a node failed)',
    );
  }

  /** A write was refused for too few nodes: logged once per episode. */
  notEnoughReplicas(mode: string, required: number, up: number): void {
    if (this.refusing) return;
    this.refusing = true;
    this.line('warn', 'not-enough-replicas', { mode, required, up }, 'writes refused: NOT_ENOUGH_REPLICAS (first of this episode)');
  }

  /** A write was acked degraded: logged once per episode. */
  degradedAck(mode?: string): void {
    if (this.degrading) return;
    this.degrading = true;
    this.line('warn', 'degraded-ack', { mode }, 'writes acked degraded, fewer nodes than the mode asks (first of this episode)');
  }

  /** A write was acked in full: the refusing/degraded episodes are over. */
  fullAck(): void {
    this.refusing = false;
    this.degrading = false;
  }

  private line(level: 'info' | 'warn', key: string, obj: object, msg: string): void {
    if (!this.logger) return;
    const r = this.limiter.take(key);
    if (!r.ok) return;
    this.logger[level](r.suppressed > 0 ? { ...obj, suppressed: r.suppressed } : obj, msg);
  }
}
