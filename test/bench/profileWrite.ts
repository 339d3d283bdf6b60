/**
 * Where the write path's time goes, per record: the raw 3-file SQLite
 * baseline, then a server child under `node --cpu-prof` (all its threads)
 * fed by W socket.io-client writers, in one run.
 *
 *   node --conditions=@syncline/source --import tsx test/bench/profileWrite.ts [--mode semi-sync] [--writers 1,16] [--records 6400]
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import type { AckMode } from '@syncline/shared';
import { startProfiledServer } from './lib/cpuProfile.js';
import { formatWriteCost, writeCost } from './lib/writeCost.js';
import { measure } from './workloads/writePath.js';
import { writeRaw } from './workloads/rawSqlite.js';
import { WRITE_SHAPE } from './workloads/writeShape.js';

const { values } = parseArgs({
  options: {
    'no-prof': { type: 'boolean' },
    'old-server': { type: 'string' },
    mode: { type: 'string' },
    writers: { type: 'string' },
    records: { type: 'string' },
    threads: { type: 'string' },
  },
});
// on,off: each measurement with worker-thread nodes and again with nodes on the main thread (SYNCLINE_SQLITE_THREADS).
// `old`: the server from another source tree (`old-on`: with its nodes on worker threads) (--old-server PATH/server/src/cli.ts, nodes on its main thread, e.g. an earlier commit
// unpacked with `git archive`), measured in the same run as this tree's.
const threads = (values.threads ?? 'on').split(',');
// --no-prof: the same runs without --cpu-prof (CPU and throughput figures without the profiler's own cost).
const profile = !process.argv.includes('--no-prof');

/** User + system CPU ms of a process so far (all its threads), from /proc. */
function cpuMs(pid: number): number {
  const f = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
  return ((Number(f[11]) + Number(f[12])) * 1000) / 100;
}
const mode = (values.mode ?? 'semi-sync') as AckMode;
const writers = (values.writers ?? '1,16').split(',').map(Number);
const records = Number(values.records ?? 6400);

/** CPU ms per thread (name#tid) of a process, from /proc/PID/task. */
function threadCpu(pid: number): Map<string, number> {
  const out = new Map<string, number>();
  for (const tid of readdirSync(`/proc/${pid}/task`)) {
    try {
      const stat = readFileSync(`/proc/${pid}/task/${tid}/stat`, 'utf8');
      const name = stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
      const f = stat.split(') ')[1]!.split(' ');
      out.set(`${name}#${tid}`, ((Number(f[11]) + Number(f[12])) * 1000) / 100);
    } catch {
      // the thread ended meanwhile
    }
  }
  return out;
}

/**
 * The server's event-loop delay since the last scrape (prom-client's monitorEventLoopDelay in /metrics;
 * each scrape resets it, sampling every 10 ms, so an idle loop reads ~10 ms): max and p99 in ms. A delay past the clients' 2 s heartbeat disconnects them.
 */
async function loopDelay(url: string): Promise<{ max: number; p99: number }> {
  const text = await (await fetch(`${url}/metrics`)).text();
  const at = (name: string) =>
    Number(new RegExp(`^nodejs_eventloop_lag_${name}_seconds(?:\\{[^}]*\\})? (\\S+)$`, 'm').exec(text)?.[1] ?? NaN) * 1000;
  return { max: at('max'), p99: at('p99') };
}

/** The replicator's repair counters since start (ids scanned, looked up, full ops fetched, applied), from /metrics. */
async function repairCounters(url: string): Promise<string> {
  const text = await (await fetch(`${url}/metrics`)).text();
  const names = ['repairScannedOps', 'repairCheckedOps', 'repairFetchedOps', 'repairedOps'];
  return names.map((n) => `${n} ${new RegExp(`counter="${n}"[^}]*\\} (\\S+)`).exec(text)?.[1] ?? '-'}`).join(', ');
}

const dir = mkdtempSync(join(tmpdir(), 'syncline-profw-'));
try {
  const raw = writeRaw(dir, records, WRITE_SHAPE.batch);
  console.log(`raw 3-file SQLite: ${raw.rps.toFixed(0)} records/s, batch p50 ${raw.p50.toFixed(2)} ms`);
  let run = 0;
  for (const w of writers)
    for (const th of threads) {
      // A fresh folder per run (a repeated `th` must not find the last run's records: they would all be duplicates).
      const sub = join(dir, `w${w}${th}-${run++}`);
      const nodes = ['a', 'b', 'c'].map((n) => `sqlite:${join(sub, `${n}.db`)}`).join(',');
      const old = th === 'old' || th.startsWith('old-');
      const srv = await startProfiledServer(
        ['--port', '0', '--nodes', nodes, '--ack', mode, '--log-level', 'error'],
        profile ? join(sub, 'prof') : '',
        { SYNCLINE_SQLITE_THREADS: th === 'old' ? 'off' : old ? th.slice(4) : th },
        old ? values['old-server'] : undefined,
      );
      let r;
      let cpu;
      try {
        let c0 = 0;
        let t0 = new Map<string, number>();
        try {
          // Warm-up first (server JIT, workers' start-up); CPU counted over the measured run only.
          await measure(srv.url, mode, 16, 1600, `warm${w}`);
          c0 = cpuMs(srv.pid);
          t0 = threadCpu(srv.pid);
          await loopDelay(srv.url); // resets the delay histogram
          r = await measure(srv.url, mode, w, records, `p${w}`);
        } catch (err) {
          // A stalled server disconnects its clients: report it and go on with the next case.
          const d = await loopDelay(srv.url).catch(() => ({ max: NaN, p99: NaN }));
          console.log(
            `\n### ${mode}, ${w} writer(s), node threads ${th}: STOPPED (${(err as Error).message}); event-loop delay max ${d.max.toFixed(0)} ms, p99 ${d.p99.toFixed(0)} ms\n`,
          );
          continue;
        }
        cpu = cpuMs(srv.pid) - c0;
        const d = await loopDelay(srv.url);
        console.log(`event-loop delay during the run: max ${d.max.toFixed(0)} ms, p99 ${d.p99.toFixed(0)} ms`);
        console.log(`repair counters: ${await repairCounters(srv.url)}`);
        const t1 = threadCpu(srv.pid);
        console.log(
          `per thread CPU ms: ${[...t1]
            .map(([k, v]) => `${k} ${(v - (t0.get(k) ?? 0)).toFixed(0)}`)
            .filter((x) => !x.endsWith(' 0'))
            .join(', ')}`,
        );
      } finally {
        await srv.stop();
      }
      console.log(
        `\n### ${mode}, ${w} writer(s), node threads ${th}: ${r.rps.toFixed(0)} records/s (${(r.rps / raw.rps).toFixed(2)}× raw), ack p50 ${r.p50.toFixed(1)} ms, p99 ${r.p99.toFixed(1)} ms; server process CPU ${((cpu * 1000) / records).toFixed(0)} µs per record (user+sys, /proc)\n`,
      );
      if (!profile) continue;
      const cost = writeCost(join(sub, 'prof'));
      console.log(formatWriteCost(cost, records));
      console.log(`\nthreads: ${cost.threads.map((t) => `${t.busyMs.toFixed(0)} ms busy of ${t.wallMs.toFixed(0)} ms`).join('; ')}`);
    }
} finally {
  if (!process.env.KEEP_PROF) rmSync(dir, { recursive: true, force: true });
  else console.log(dir);
}
