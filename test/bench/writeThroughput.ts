/**
 * Write throughput of a real `syncline-server` process per ack mode: C
 * socket.io clients push N records in batches of B, each waiting for its ack
 * before the next push; prints records/s and p50/p99 push-ack latency.
 *
 *   node --conditions=@syncline/source --import tsx test/bench/writeThroughput.ts [--records 20000] [--batch 50] [--clients 8] [--modes sync,semi-sync,async]
 *
 * Each mode gets a fresh data folder (three SQLite nodes, synchronous=FULL),
 * so the numbers include every fsync the mode waits for.
 */
import { parseArgs } from 'node:util';
import { pathToFileURL } from 'node:url';
import { AckModes, type AckMode, type PushReply } from '@syncline/shared';
import { spawnServer } from '../helpers/spawnServer.js';
import { connectClient, request } from '../helpers/syncClient.js';
import { ChangeMaker } from '../helpers/changes.js';

export interface ThroughputResult {
  mode: AckMode;
  records: number;
  batch: number;
  clients: number;
  seconds: number;
  recordsPerSec: number;
  p50Ms: number;
  p99Ms: number;
  notOk: number;
}

export interface ThroughputOptions {
  records?: number;
  batch?: number;
  clients?: number;
  modes?: AckMode[];
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? NaN;
}

export async function measureMode(mode: AckMode, records: number, batch: number, clients: number): Promise<ThroughputResult> {
  const srv = await spawnServer({ args: ['--ack', mode] });
  const latencies: number[] = [];
  let notOk = 0;
  let next = 0;
  try {
    const sockets = await Promise.all(Array.from({ length: clients }, (_, i) => connectClient(srv.url, { clientId: `bench${i}` })));
    const started = performance.now();
    await Promise.all(
      sockets.map(async (socket, i) => {
        const maker = new ChangeMaker(`bench${i}`);
        while (next < records) {
          const n = Math.min(batch, records - next);
          next += n;
          const changes = Array.from({ length: n }, (_, j) =>
            maker.put('bench', `${i}-${next}-${j}`, { title: 'benchmark record', n: j, done: false }),
          );
          const t0 = performance.now();
          const reply = await request<PushReply>(socket, 'push', { changes, ack: mode }, 30_000);
          latencies.push(performance.now() - t0);
          notOk += 'results' in reply ? reply.results.filter((r) => r.status !== 'ok').length : n;
        }
      }),
    );
    const seconds = (performance.now() - started) / 1000;
    for (const s of sockets) s.close();
    latencies.sort((a, b) => a - b);
    return {
      mode,
      records,
      batch,
      clients,
      seconds,
      recordsPerSec: records / seconds,
      p50Ms: percentile(latencies, 50),
      p99Ms: percentile(latencies, 99),
      notOk,
    };
  } finally {
    await srv.stop();
  }
}

export async function runWriteThroughput(opts: ThroughputOptions = {}): Promise<ThroughputResult[]> {
  const results: ThroughputResult[] = [];
  for (const mode of opts.modes ?? [...AckModes]) {
    results.push(await measureMode(mode, opts.records ?? 20_000, opts.batch ?? 50, opts.clients ?? 8));
  }
  return results;
}

export function formatResults(results: ThroughputResult[]): string {
  const head = 'mode       records  batch  clients  records/s   p50 ms   p99 ms  not-ok';
  const rows = results.map((r) =>
    [
      r.mode.padEnd(9),
      String(r.records).padStart(8),
      String(r.batch).padStart(6),
      String(r.clients).padStart(8),
      r.recordsPerSec.toFixed(0).padStart(10),
      r.p50Ms.toFixed(1).padStart(8),
      r.p99Ms.toFixed(1).padStart(8),
      String(r.notOk).padStart(7),
    ].join(' '),
  );
  return [head, ...rows].join('\n');
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const { values } = parseArgs({
    options: { records: { type: 'string' }, batch: { type: 'string' }, clients: { type: 'string' }, modes: { type: 'string' } },
  });
  const results = await runWriteThroughput({
    records: values.records ? Number(values.records) : undefined,
    batch: values.batch ? Number(values.batch) : undefined,
    clients: values.clients ? Number(values.clients) : undefined,
    modes: values.modes ? (values.modes.split(',') as AckMode[]) : undefined,
  });
  console.log(formatResults(results));
}
