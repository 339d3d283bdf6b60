/**
 * Offline catch-up at full size, client trees side by side in one run:
 * `n` writes queued in Chromium with the server down, then the server child
 * (3 SQLite files) starts and the time until `flush({ until: 'accepted' })`
 * resolves is measured — per tree, alternating, `--reps` times — with raw
 * 3-file SQLite writing the same records (batches of 500) in each rep.
 *
 * Per run it also reports the server's CPU time over the catch-up
 * (/proc/<pid>/stat), and from the page's WebSocket frames: push requests
 * sent, their mean/max reply time, how many were in flight on average, and
 * the total time no push was in flight (the client's own share of the wall).
 * `--profile` records a CDP CPU profile of the page (first tree, first rep)
 * and prints inclusive time of the engine's functions; `--server-prof` runs
 * the server under `--cpu-prof` (first rep) and prints its self-time areas.
 *
 *   node --conditions=@syncline/source --import tsx test/bench/catchUp.ts \
 *     [--records 10000] [--reps 3] [--mode semi-sync] [--trees /work/wt/cli,/work/wt/cli-old | --old /work/wt/base] [--profile] [--server-prof]
 *
 * Each run's wall is split at the WebSocket's `open`: `connectMs` (server
 * listening → socket open: the client's reconnect backoff plus Chromium's
 * throttling of WebSocket connects after failed ones) and `syncMs` (open →
 * every write accepted). The summary gives medians of all three.
 *
 * A tree is a checkout of this repository: its test/bench/browser/synclinePage.ts is bundled with its own client.
 */
import { mkdtempSync, readFileSync, rmSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import type { Page } from 'playwright-core';
import type { AckMode } from '@syncline/shared';
import { bundlePage, launchChromium } from './lib/browser.js';
import { REPO_ROOT } from './lib/child.js';
import { servePage } from './lib/pageServer.js';
import { writeRaw } from './workloads/rawSqlite.js';
import { startProfiledServer, summarizeProfile, areasOf } from './lib/cpuProfile.js';
import { freePort } from '../helpers/ports.js';

const argv = process.argv.slice(2);
const arg = (name: string, dflt: string) => (argv.includes(name) ? argv[argv.indexOf(name) + 1]! : dflt);
const N = Number(arg('--records', '10000'));
const REPS = Number(arg('--reps', '3'));
const MODE = arg('--mode', 'semi-sync') as AckMode;
// `--old PATH`: this tree against the one at PATH (same as `--trees <this>,PATH`).
const TREES = argv.includes('--old') ? [REPO_ROOT, arg('--old', '')] : arg('--trees', REPO_ROOT).split(',');
const PROFILE = argv.includes('--profile');
const SERVER_PROF = argv.includes('--server-prof');
const log = (s: string) => process.stderr.write(`[catch-up ${new Date().toISOString().slice(11, 19)}] ${s}\n`);
const load = () => readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ');
const cpuMs = (pid: number) => {
  const f = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
  return ((Number(f[11]) + Number(f[12])) * 1000) / 100; // utime + stime, in clock ticks of 10 ms
};

const scratch = mkdtempSync(join(tmpdir(), 'syncline-catchup-'));
const bundles = await Promise.all(
  TREES.map(async (tree, i) => {
    const out = join(scratch, `page${i}.js`);
    await bundlePage('browser/synclinePage.ts', out, tree);
    return { tree, site: await servePage(out) };
  }),
);

/** Records push requests and their replies from the page's Socket.IO frames. */
const WS_PROBE = () => {
  const g = globalThis as any;
  g.__push = { sent: new Map<number, number>(), spans: [] as [number, number][] };
  const WS = WebSocket;
  g.__ws = [] as [number, string][];
  (globalThis as any).WebSocket = class extends WS {
    constructor(url: string | URL, p?: string | string[]) {
      super(url, p);
      g.__ws.push([performance.now(), 'new']);
      this.addEventListener('open', () => g.__ws.push([performance.now(), 'open']));
      this.addEventListener('error', () => g.__ws.push([performance.now(), 'error']));
    }
  };
  const send = WS.prototype.send;
  WS.prototype.send = function (this: WebSocket, data: any) {
    if (typeof data === 'string') {
      g.__push.frames ??= [];
      if (g.__push.frames.length < 8) g.__push.frames.push([performance.now(), data.slice(0, 24)]);
      const m = /^42(\d+)\["push"/.exec(data);
      if (m) g.__push.sent.set(Number(m[1]), performance.now());
    }
    if (!(this as any).__probed) {
      (this as any).__probed = true;
      this.addEventListener('message', (e: MessageEvent) => {
        if (typeof e.data !== 'string') return;
        const r = /^43(\d+)\[/.exec(e.data);
        if (!r) return;
        const t = g.__push.sent.get(Number(r[1]));
        if (t !== undefined) {
          g.__push.spans.push([t, performance.now()]);
          g.__push.sent.delete(Number(r[1]));
        }
      });
    }
    return send.call(this, data);
  };
};

type Fn = (...a: unknown[]) => Promise<number>;

interface Run {
  tree: string;
  rep: number;
  ms: number;
  connectMs: number;
  syncMs: number;
  serverCpuMs: number;
  pushes: number;
  meanReplyMs: number;
  maxReplyMs: number;
  meanInFlight: number;
  noneInFlightMs: number;
  load: string;
}

function pipelineStats(spans: [number, number][], t0: number, t1: number) {
  const ev: [number, number][] = [];
  for (const [a, b] of spans) ev.push([a, 1], [b, -1]);
  ev.sort((x, y) => x[0] - y[0] || x[1] - y[1]);
  let depth = 0;
  let last = t0;
  let area = 0;
  let none = 0;
  for (const [t, d] of ev) {
    const tt = Math.max(t0, Math.min(t1, t));
    area += depth * (tt - last);
    if (depth === 0) none += tt - last;
    last = tt;
    depth += d;
  }
  if (depth === 0) none += t1 - last;
  const replies = spans.map(([a, b]) => b - a);
  return {
    pushes: spans.length,
    meanReplyMs: replies.reduce((a, b) => a + b, 0) / Math.max(1, replies.length),
    maxReplyMs: Math.max(0, ...replies),
    meanInFlight: area / Math.max(1, t1 - t0),
    noneInFlightMs: none,
  };
}

/** Inclusive time (ms) of the named functions in a CDP profile (each counted once per stack). */
function inclusive(file: string, names: string[]): Record<string, number> {
  const prof = JSON.parse(readFileSync(file, 'utf8')) as {
    nodes: { id: number; callFrame: { functionName: string }; children?: number[] }[];
    samples: number[];
    timeDeltas: number[];
  };
  const parent = new Map<number, number>();
  const byId = new Map(prof.nodes.map((n) => [n.id, n]));
  for (const n of prof.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const out: Record<string, number> = Object.fromEntries(names.map((n) => [n, 0]));
  prof.samples.forEach((id, i) => {
    const dt = (prof.timeDeltas[i] ?? 0) / 1000;
    const seen = new Set<string>();
    for (let at: number | undefined = id; at !== undefined; at = parent.get(at)) {
      const fn = byId.get(at)!.callFrame.functionName;
      if (fn in out && !seen.has(fn)) {
        seen.add(fn);
        out[fn] = (out[fn] ?? 0) + dt;
      }
    }
  });
  return out;
}

const ENGINE_FUNCTIONS = [
  'pushOnce',
  'readBatch',
  'readPushBatch',
  'applyPushResults',
  'loadStates',
  'rebuildLocalState',
  'countedMutate',
  'addCounts',
  'flush',
  'oldestLeft',
  'readOutboxStats',
  'send',
  'mutate',
  'getMany',
  'query',
];

const runs: Run[] = [];
const raws: number[] = [];
const browser = await launchChromium();
try {
  for (let rep = 0; rep < REPS; rep++) {
    const rawDir = join(scratch, `raw-${rep}`);
    mkdirSync(rawDir);
    const raw = writeRaw(rawDir, N, 500);
    raws.push((N / raw.rps) * 1000);
    log(`rep ${rep}: raw SQLite ${((N / raw.rps) * 1000).toFixed(0)} ms (load ${load()})`);
    const order = rep % 2 === 0 ? bundles : [...bundles].reverse();
    for (const { tree, site } of order) {
      const dir = join(scratch, `srv-${rep}-${randomUUID().slice(0, 6)}`);
      mkdirSync(dir);
      const port = await freePort();
      const context = await browser.newContext();
      await context.addInitScript(WS_PROBE);
      const page: Page = await context.newPage();
      await page.goto(site.url);
      await page.waitForFunction(() => document.title === 'ready', undefined, { timeout: 30_000 });
      const space = `catchup-${randomUUID().slice(0, 8)}`;
      await page.evaluate(([u, sp, n, b, m]) => ((globalThis as any).queueOffline as Fn)(u, sp, n, b, m), [
        `http://127.0.0.1:${port}`,
        space,
        N,
        200,
        MODE,
      ] as const);
      const l = load();
      const profileThis = PROFILE && rep === 0 && tree === bundles[0]!.tree;
      const profDir = join(scratch, `prof-${rep}-${runs.length}`);
      const sprof = SERVER_PROF && rep === 0 ? join(profDir, 'server') : '';
      const cdp = profileThis ? await page.context().newCDPSession(page) : null;
      if (cdp) {
        await cdp.send('Profiler.enable');
        await cdp.send('Profiler.setSamplingInterval', { interval: 500 });
        await cdp.send('Profiler.start');
      }
      const acked = page.evaluate(() => ((globalThis as any).waitAcked as Fn)());
      const nodes = ['a', 'b', 'c'].map((x) => `sqlite:${join(dir, `${x}.db`)}`).join(',');
      const srv = await startProfiledServer(
        ['--nodes', nodes, '--ack', MODE, '--log-level', 'error', '--port', String(port), '--data-dir', dir],
        sprof,
      );
      const t0 = Date.now();
      const pt0 = await page.evaluate(() => performance.now());
      const cpu0 = cpuMs(srv.pid);
      try {
        const at = await acked;
        const cpu1 = cpuMs(srv.pid);
        const pt1 = pt0 + (at - t0);
        const spans = (await page.evaluate(() => (globalThis as any).__push.spans)) as [number, number][];
        const p = pipelineStats(spans, pt0, pt1);
        const frames = (await page.evaluate(() => (globalThis as any).__push.frames ?? [])) as [number, string][];
        const ws = (await page.evaluate(() => (globalThis as any).__ws)) as [number, string][];
        log(
          `ws: ${ws
            .slice(-8)
            .map(([t, d]) => `${(t - pt0).toFixed(0)} ${d}`)
            .join(', ')} (${ws.length} events)`,
        );
        log(`first frames: ${frames.map(([t, d]) => `${(t - pt0).toFixed(0)} ms ${d}`).join(' | ')}`);
        const probe = (await page.evaluate(() => (globalThis as any).__probe ?? [])) as [string, number, number, string?][];
        if (probe.length)
          log(
            `client steps: ${probe.map(([n, a, b, d]) => `${n} ${(a - pt0).toFixed(0)}+${(b - a).toFixed(0)}${d ? `(${d})` : ''}`).join(' ')}`,
          );
        log(
          `pushes: ${spans.map(([a, b]) => `${(a - pt0).toFixed(0)}→${(b - pt0).toFixed(0)}`).join(' ')}; acked at ${(pt1 - pt0).toFixed(0)}`,
        );
        const opened = ws.find(([t, d]) => d === 'open' && t >= pt0)?.[0] ?? ws.find(([, d]) => d === 'open')?.[0] ?? pt0;
        const connectMs = Math.max(0, opened - pt0);
        const run: Run = { tree, rep, ms: at - t0, connectMs, syncMs: at - t0 - connectMs, serverCpuMs: cpu1 - cpu0, ...p, load: l };
        runs.push(run);
        log(
          `${tree}: ${run.ms} ms (connect ${connectMs.toFixed(0)} + sync ${run.syncMs.toFixed(0)}), server CPU ${run.serverCpuMs.toFixed(0)} ms, ${p.pushes} pushes, reply mean ${p.meanReplyMs.toFixed(0)} / max ${p.maxReplyMs.toFixed(0)} ms, ` +
            `in flight ${p.meanInFlight.toFixed(2)}, none in flight ${p.noneInFlightMs.toFixed(0)} ms (load ${l})`,
        );
        if (cdp) {
          const { profile } = await cdp.send('Profiler.stop');
          mkdirSync(profDir, { recursive: true });
          const { writeFileSync } = await import('node:fs');
          writeFileSync(join(profDir, 'page.cpuprofile'), JSON.stringify(profile));
          const s = summarizeProfile(profDir, 25, 'page.cpuprofile');
          log(`page main thread: ${s.wallMs.toFixed(0)} ms profiled, ${(100 - s.idlePct).toFixed(0)}% busy`);
          for (const t of s.top) console.log(`self | \`${t.frame}\` | ${t.ms.toFixed(0)} ms | ${t.pct.toFixed(1)}% |`);
          for (const [fn, ms] of Object.entries(inclusive(join(profDir, 'page.cpuprofile'), ENGINE_FUNCTIONS)))
            console.log(`incl | ${fn} | ${ms.toFixed(0)} ms |`);
        }
      } finally {
        await page.context().close();
        await srv.stop();
      }
      if (sprof) {
        const s = summarizeProfile(sprof, 25);
        log(`server: ${s.wallMs.toFixed(0)} ms profiled, ${(100 - s.idlePct).toFixed(0)}% busy (includes start-up)`);
        for (const a of areasOf(s.top)) console.log(`server area | ${a.area} | ${a.ms.toFixed(0)} ms |`);
        for (const t of s.top) console.log(`server self | \`${t.frame}\` | ${t.ms.toFixed(0)} ms | ${t.pct.toFixed(1)}% |`);
      }
    }
  }
} finally {
  await browser.close();
  for (const b of bundles) b.site.server.close();
  rmSync(scratch, { recursive: true, force: true });
}
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const rawMs = median(raws);
const summary = TREES.map((tree) => {
  const mine = runs.filter((r) => r.tree === tree);
  const ms = median(mine.map((r) => r.ms));
  const syncMs = median(mine.map((r) => r.syncMs));
  return {
    tree,
    medianMs: ms,
    ratio: ms / rawMs,
    medianConnectMs: median(mine.map((r) => r.connectMs)),
    medianSyncMs: syncMs,
    syncRatio: syncMs / rawMs,
  };
});
for (const s of summary)
  log(
    `${s.tree}: median ${s.medianMs} ms = ${s.ratio.toFixed(1)}x raw ${rawMs} ms; connect ${s.medianConnectMs.toFixed(0)} ms, sync ${s.medianSyncMs.toFixed(0)} ms = ${s.syncRatio.toFixed(1)}x raw`,
  );
console.log(JSON.stringify({ records: N, mode: MODE, rawMs: raws, summary, runs }, null, 1));
process.exit(0);
