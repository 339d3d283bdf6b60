/**
 * One chaos campaign in one ack mode: start the cluster and the clients,
 * write while the seeded faults run, heal, wait for convergence, check.
 */
import type { AckMode } from '@syncline/shared';
import { ChaosCluster, NODE_IDS } from './ChaosCluster.js';
import { EngineWriter } from './EngineWriter.js';
import { summarize, type LatencySummary } from './ackLatency.js';
import { RawWriter } from './RawWriter.js';
import { FaultSchedule, type FaultKind } from './faults.js';
import { check, type Verdict, type WriteRecord } from './checker.js';
import { readNode, valuesKey, type NodeView } from './nodeFiles.js';
import { rng, sleep } from './prng.js';

export interface CampaignOptions {
  seed: number;
  mode: AckMode;
  /** How long faults run while clients write. */
  durationMs: number;
  clients: number;
  servers?: number;
  redis?: boolean;
  /** Pause between faults (ms, random in range). */
  faultGapMs?: [number, number];
  /** Bound on healing (flush + convergence). */
  healTimeoutMs?: number;
  log?: (line: string) => void;
  /** `defaults`: engine clients with the client's default timings (as apps run), not the quick test tuning. */
  engine?: 'tuned' | 'defaults';
}

export interface CampaignReport extends Verdict {
  mode: AckMode;
  seed: number;
  durationMs: number;
  faults: Record<FaultKind, number>;
  faultTotal: number;
  /** From the start of healing until every node held the same state. */
  nodeConvergenceMs: number | null;
  /** ... until every client also held it. */
  convergenceMs: number | null;
  harnessErrors: string[];
  /** Engine clients' ack latency while the faults ran (see ackLatency.ts). */
  ackLatency: LatencySummary;
  /** The same, without writes whose client was offline (a fault) before their ack. */
  ackLatencyOnline: LatencySummary;
}

export async function runCampaign(o: CampaignOptions): Promise<CampaignReport> {
  const log = o.log ?? (() => {});
  const seedFor = (i: number) => (o.seed * 7919 + i * 104729) >>> 0;
  const cluster = new ChaosCluster(o.mode, o.servers ?? 3, o.redis ?? true);
  const clients: EngineWriter[] = [];
  const raw: RawWriter[] = [];
  const harnessErrors: string[] = [];
  try {
    await cluster.start();
    const urls = cluster.urls;
    for (let i = 0; i < o.clients; i++) {
      const order = [...urls.slice(i % urls.length), ...urls.slice(0, i % urls.length)];
      clients.push(new EngineWriter(`e${i}`, order, i % 2 === 0 ? 'accepted' : 'replicated', o.engine ?? 'tuned'));
    }
    // Skewed clocks: two minutes ahead (past the default 60 s bound: re-stamped) and ten minutes behind.
    raw.push(new RawWriter('kfast', () => cluster.urls, 120_000, rng(seedFor(100))));
    raw.push(new RawWriter('kslow', () => [...cluster.urls].reverse(), -600_000, rng(seedFor(101))));

    const end = Date.now() + o.durationMs;
    const faults = new FaultSchedule({ cluster, clients, raw, rand: rng(o.seed), log });
    const work = [
      ...clients.map(async (c, i) => {
        const r = rng(seedFor(i));
        while (Date.now() < end) {
          await c.writeOne();
          await sleep(r.int(40, 250));
        }
      }),
      ...raw.map(async (w, i) => {
        const r = rng(seedFor(200 + i));
        while (Date.now() < end) {
          await w.tick(r.int(1, 3));
          await sleep(r.int(80, 300));
        }
      }),
    ];
    await Promise.all([faults.run(end, o.faultGapMs ?? [300, 1200]), ...work]);
    harnessErrors.push(...faults.errors);
    const probes = await Promise.all(clients.map((c) => c.latency.stop()));
    const ackLatency = summarize(
      probes.flatMap((p) => p.samples),
      probes.reduce((n, p) => n + p.unacked, 0),
    );
    const ackLatencyOnline = summarize(
      probes.flatMap((p) => p.onlineSamples),
      0,
    );

    // Heal and let everything converge.
    const healStart = Date.now();
    const deadline = healStart + (o.healTimeoutMs ?? 60_000);
    log('healing');
    await cluster.heal();
    for (const c of clients) c.offline = false;
    await Promise.all([
      ...clients.map((c) =>
        c.sync
          .flush({ timeoutMs: Math.max(1000, deadline - Date.now()) })
          .catch((err: unknown) => harnessErrors.push(`${c.name} flush: ${(err as Error).message}`)),
      ),
      ...raw.map((w) => w.drain(deadline)),
    ]);
    await cluster.admin(cluster.servers[0]!, 'POST', '/admin/repair').catch((err: unknown) => harnessErrors.push(`repair: ${String(err)}`));
    const nodes = await waitNodes(cluster, deadline);
    const nodeConvergenceMs = nodes.converged ? Date.now() - healStart : null;
    const clientViews = await waitClients(clients, nodes.views, deadline);
    const convergenceMs = clientViews.converged && nodes.converged ? Date.now() - healStart : null;

    const writes: WriteRecord[] = [];
    for (const c of clients) {
      const { pending, rejected } = await c.unacked();
      c.written.forEach((id, i) =>
        writes.push({ id, value: i + 1, status: pending.has(id) ? 'pending' : rejected.has(id) ? 'rejected' : 'acked' }),
      );
    }
    for (const w of raw)
      for (const op of w.ops.values())
        writes.push({
          id: op.change.id,
          value: op.change.fields.v as number,
          status: op.state,
          opId: op.change.opId,
          storedHlc: op.storedHlc,
        });
    const verdict = check(
      writes,
      nodes.views,
      clientViews.values,
      raw.flatMap((w) => w.mismatches),
    );
    return {
      ...verdict,
      mode: o.mode,
      seed: o.seed,
      durationMs: o.durationMs,
      faults: faults.counts,
      faultTotal: faults.total,
      nodeConvergenceMs,
      convergenceMs,
      harnessErrors,
      ackLatency,
      ackLatencyOnline,
    };
  } finally {
    for (const w of raw) w.close();
    await Promise.all(clients.map((c) => c.close().catch(() => undefined)));
    await cluster.dispose();
  }
}

/** Reads the three node files until they hold the same ops and states (or the deadline). */
async function waitNodes(cluster: ChaosCluster, deadline: number): Promise<{ converged: boolean; views: Record<string, NodeView> }> {
  for (;;) {
    const views = Object.fromEntries(NODE_IDS.map((id, i) => [id, readNode(`${cluster.dataDir}/node${i + 1}.db`)]));
    const all = Object.values(views);
    const same = all.every((v) => v.statesJson === all[0]!.statesJson && v.ops.size === all[0]!.ops.size);
    if (same || Date.now() > deadline) return { converged: same, views };
    await sleep(200);
  }
}

async function waitClients(
  clients: EngineWriter[],
  nodes: Record<string, NodeView>,
  deadline: number,
): Promise<{ converged: boolean; values: Record<string, Map<string, unknown>> }> {
  const want = valuesKey(Object.values(nodes)[0]!.values);
  for (;;) {
    const values: Record<string, Map<string, unknown>> = {};
    for (const c of clients) values[c.name] = new Map((await c.items()).map((it) => [it.id, it.v]));
    const same = Object.values(values).every((m) => valuesKey(m) === want);
    if (same || Date.now() > deadline) return { converged: same, values };
    await sleep(200);
  }
}
