/**
 * Prometheus metrics of one server instance. Each instance owns its own
 * `Registry`, so several servers in one process (tests) never collide.
 * Node gauges are read from `replicator.health()` at scrape time.
 */
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { AckMode, OpResult } from '@syncline/shared';
import type { ReplicatorApi } from '../replication/types.js';

const NODE_STATES = ['up', 'down', 'maintenance'] as const;

export class ServerMetrics {
  readonly registry = new Registry();
  private readonly acks: Counter<'mode' | 'outcome'>;
  private readonly degraded: Counter<'mode'>;
  private readonly pushLatency: Histogram<'mode'>;
  private readonly requestErrors: Counter<'event' | 'code'>;
  private readonly restamped: Counter;
  readonly connectedClients: Gauge;

  constructor(replicator: ReplicatorApi, serverId: string) {
    const registers = [this.registry];
    this.registry.setDefaultLabels({ server: serverId });
    collectDefaultMetrics({ register: this.registry });
    this.acks = new Counter({ name: 'syncline_acks_total', help: 'Op outcomes by ack mode', labelNames: ['mode', 'outcome'], registers });
    this.degraded = new Counter({
      name: 'syncline_degraded_acks_total',
      help: 'Ops acked under the degrade fallback (G2)',
      labelNames: ['mode'],
      registers,
    });
    this.pushLatency = new Histogram({
      name: 'syncline_push_duration_seconds',
      help: 'Time from receiving a push to its reply',
      labelNames: ['mode'],
      buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
      registers,
    });
    this.requestErrors = new Counter({
      name: 'syncline_request_errors_total',
      help: 'Requests answered with an error',
      labelNames: ['event', 'code'],
      registers,
    });
    this.restamped = new Counter({ name: 'syncline_restamped_ops_total', help: 'Ops re-stamped for clock skew', registers });
    this.connectedClients = new Gauge({ name: 'syncline_connected_clients', help: 'Connected Socket.IO clients', registers });
    new Gauge({
      name: 'syncline_node_state',
      help: '1 for the state each storage node is in',
      labelNames: ['node', 'state'],
      registers,
      collect() {
        this.reset();
        for (const h of replicator.health()) for (const s of NODE_STATES) this.set({ node: h.id, state: s }, h.state === s ? 1 : 0);
      },
    });
    new Gauge({
      name: 'syncline_node_primary',
      help: '1 for the current primary node',
      labelNames: ['node'],
      registers,
      collect() {
        this.reset();
        for (const h of replicator.health()) this.set({ node: h.id }, h.primary ? 1 : 0);
      },
    });
    new Gauge({
      name: 'syncline_node_lag_ops',
      help: 'Ops a node is behind the primary (best effort)',
      labelNames: ['node'],
      registers,
      collect() {
        this.reset();
        for (const h of replicator.health()) this.set({ node: h.id }, h.lagOps);
      },
    });
    new Gauge({
      name: 'syncline_node_repair_progress',
      help: 'Repair progress 0..1 while a node is repairing, else 1',
      labelNames: ['node'],
      registers,
      collect() {
        this.reset();
        for (const h of replicator.health()) this.set({ node: h.id }, h.repairing ? h.repairProgress : 1);
      },
    });
    this.replicatorStats(replicator);
  }

  private replicatorStats(replicator: ReplicatorApi): void {
    if (!replicator.stats) return;
    new Gauge({
      name: 'syncline_replicator_counter',
      help: 'Replicator counters since start (acked, degraded, cursorResets, repairedOps, groupCommits, ...)',
      labelNames: ['counter'],
      registers: [this.registry],
      collect() {
        const stats = replicator.stats?.() ?? {};
        for (const [k, v] of Object.entries(stats)) if (typeof v === 'number') this.set({ counter: k }, v);
      },
    });
  }

  /** Plain totals of the ack counters, for the /status JSON page. */
  private readonly ackTotals: Partial<Record<AckMode, Record<'ok' | 'rejected' | 'indeterminate' | 'degraded', number>>> = {};

  recordPush(mode: AckMode, results: OpResult[], seconds: number): void {
    this.pushLatency.observe({ mode }, seconds);
    const totals = (this.ackTotals[mode] ??= { ok: 0, rejected: 0, indeterminate: 0, degraded: 0 });
    for (const r of results) {
      this.acks.inc({ mode, outcome: r.status });
      totals[r.status] += 1;
      if (r.degraded) {
        this.degraded.inc({ mode });
        totals.degraded += 1;
      }
    }
  }

  /** Op outcomes by ack mode since start: `{ sync: { ok, rejected, indeterminate, degraded } }`. */
  ackSummary(): Partial<Record<AckMode, Record<'ok' | 'rejected' | 'indeterminate' | 'degraded', number>>> {
    return structuredClone(this.ackTotals);
  }

  recordError(event: string, code: string): void {
    this.requestErrors.inc({ event, code });
  }

  recordRestamp(n: number): void {
    if (n > 0) this.restamped.inc(n);
  }
}
