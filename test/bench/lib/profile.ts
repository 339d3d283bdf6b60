/**
 * Step 4 of the issue: find our figure that is furthest behind its baseline,
 * re-run that scenario once with the server child under `--cpu-prof` (and,
 * for browser figures, the page's main thread profiled over CDP), and write
 * where the time went from the samples — not from guesses.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import type { AckMode } from '@syncline/shared';
import { COMPARISONS } from './comparisons.js';
import { areasOf, startProfiledServer, summarizeProfile } from './cpuProfile.js';
import { Session } from 'node:inspector/promises';
import { writeFileSync } from 'node:fs';
import { runYjs } from './yjsDriver.js';
import { synclinePeer } from '../workloads/yjsSyncline.js';
import { YJS_SHAPE } from '../workloads/yjsShape.js';
import { bundlePage, launchChromium } from './browser.js';
import { servePage } from './pageServer.js';
import { profilePage } from './pageProfile.js';
import { openPage } from '../workloads/browserBaselines.js';
import { measure } from '../workloads/writePath.js';
import { CATCHUP_SHAPE, WRITE_SHAPE } from '../workloads/writeShape.js';

type Log = (s: string) => void;

function slowest(m: Record<string, number>) {
  let worst: { label: string; section: string; key: string; factor: number } | null = null;
  for (const c of COMPARISONS) {
    if (c.label.startsWith('peer') || !c.base) continue;
    const o = m[c.ours];
    const b = m[c.base];
    if (o === undefined || b === undefined || !(o > 0) || !(b > 0)) continue;
    const factor = c.better === 'higher' ? b / o : o / b;
    if (!worst || factor > worst.factor) worst = { label: c.label, section: c.section, key: c.ours, factor };
  }
  return worst;
}

function table(title: string, dir: string, file?: string): string {
  const s = summarizeProfile(dir, 8, file);
  const all = summarizeProfile(dir, 100_000, file).top;
  const busy = all.reduce((a, t) => a + t.ms, 0);
  const areas = areasOf(all)
    .slice(0, 6)
    .map((a) => `${a.area} ${((a.ms / busy) * 100).toFixed(0)}%`)
    .join(', ');
  const rows = s.top.map((t) => `| \`${t.frame}\` | ${t.ms.toFixed(0)} ms | ${t.pct.toFixed(1)}% |`);
  return [
    `${title}: ${s.wallMs.toFixed(0)} ms profiled, **${(100 - s.idlePct).toFixed(0)}% busy** (${s.idlePct.toFixed(0)}% idle). Busy time by area: ${areas}. Top functions by self time (share of busy time):`,
    '',
    '| function | self | share |',
    '|---|---|---|',
    ...rows,
    '',
  ].join('\n');
}

/** Native IndexedDB request methods appear in a page profile as url-less frames with these names. */
const IDB = /^(get|put|add|delete|getAll|getAllKeys|openCursor|openKeyCursor|count|continue|transaction|objectStore|index|bulk\w*) ?$/;

function verdict(server: ReturnType<typeof summarizeProfile>, page: ReturnType<typeof summarizeProfile>): string {
  const pageBusy = page.top.reduce((a, t) => a + t.ms, 0);
  const idb = page.top.filter((t) => IDB.test(t.frame)).reduce((a, t) => a + t.ms, 0);
  const gc = page.top.filter((t) => t.frame === '(garbage collector)').reduce((a, t) => a + t.ms, 0);
  const side = 100 - server.idlePct < 100 - page.idlePct ? 'the client page' : 'the server';
  return (
    `From the samples: the server was busy ${(100 - server.idlePct).toFixed(0)}% of the time and the page's main thread ${(100 - page.idlePct).toFixed(0)}%, so the time goes mostly in **${side}**. ` +
    `In the page, native IndexedDB request calls (get/put/delete/cursor…, url-less frames) take ${((idb / pageBusy) * 100).toFixed(0)}% of busy time and garbage collection ${((gc / pageBusy) * 100).toFixed(0)}%; ` +
    `\`(program)\` is Chromium's own work outside JavaScript (IndexedDB commits, event dispatch). The rest is the client's JavaScript (bundled \`app.js\` lines).`
  );
}

function nodesArg(dir: string): string {
  return ['a', 'b', 'c'].map((n) => `sqlite:${join(dir, `${n}.db`)}`).join(',');
}

async function profileCatchup(mode: AckMode, quick: boolean, dir: string): Promise<string> {
  const js = join(dir, 'page.js');
  await bundlePage('browser/synclinePage.ts', js);
  const site = await servePage(js);
  const browser = await launchChromium();
  const serverProf = join(dir, 'server');
  const pageProf = join(dir, 'page');
  try {
    const page = await openPage(browser, site.url);
    const { port } = await (async () => {
      const s = await startProfiledServer(
        ['--port', '0', '--nodes', nodesArg(join(dir, 'probe')), '--log-level', 'error'],
        join(dir, 'probe-prof'),
      );
      await s.stop();
      return s;
    })();
    const n = CATCHUP_SHAPE.total(quick);
    await page.evaluate(([u, sp, k, b, m]) => (globalThis as any).queueOffline(u, sp, k, b, m), [
      `http://127.0.0.1:${port}`,
      `prof-${randomUUID().slice(0, 8)}`,
      n,
      CATCHUP_SHAPE.bodyBytes,
      mode,
    ] as const);
    let ms = 0;
    await profilePage(page, pageProf, async () => {
      const acked = page.evaluate(() => (globalThis as any).waitAcked() as Promise<number>);
      const srv = await startProfiledServer(
        ['--port', String(port), '--nodes', nodesArg(dir), '--ack', mode, '--log-level', 'error'],
        serverProf,
      );
      const t0 = Date.now();
      ms = (await acked) - t0;
      await srv.stop();
    });
    return [
      `Re-ran offline catch-up (${mode}, ${n} writes: ${ms} ms) with the server under \`node --cpu-prof\` and the page's main thread profiled over CDP.`,
      '',
      verdict(summarizeProfile(serverProf, 200), summarizeProfile(pageProf, 200, 'page.cpuprofile')),
      '',
      table('Server child (its profile includes its own start-up: module loading under tsx)', serverProf),
      table('Browser page (client engine + Dexie, same thread)', pageProf, 'page.cpuprofile'),
    ].join('\n');
  } finally {
    await browser.close();
    site.server.close();
  }
}

async function profileWrite(key: string, quick: boolean, dir: string): Promise<string> {
  const [, mode, w] = /^write\.([^.]+)\.w(\d+)\./.exec(key)!;
  const serverProf = join(dir, 'server');
  const srv = await startProfiledServer(['--port', '0', '--nodes', nodesArg(dir), '--ack', mode!, '--log-level', 'error'], serverProf);
  let r;
  try {
    r = await measure(srv.url, mode as AckMode, Number(w), WRITE_SHAPE.total(quick), `prof${mode}`);
  } finally {
    await srv.stop();
  }
  return [
    `Re-ran the write path (${mode}, ${w} writers: ${r.rps.toFixed(0)} records/s) with the server under \`node --cpu-prof\`.`,
    '',
    table('Server child', serverProf),
  ].join('\n');
}

/** Yjs: the server child under --cpu-prof, and this process (the clients) through node:inspector. */
async function profileYjs(quick: boolean, dir: string): Promise<string> {
  const serverProf = join(dir, 'server');
  const clientProf = join(dir, 'clients');
  mkdirSync(clientProf, { recursive: true });
  const srv = await startProfiledServer(
    ['--port', '0', '--nodes', nodesArg(dir), '--ack', 'semi-sync', '--log-level', 'error'],
    serverProf,
  );
  const session = new Session();
  session.connect();
  await session.post('Profiler.enable');
  await session.post('Profiler.start');
  let r;
  try {
    const space = `yjsprof-${randomUUID().slice(0, 8)}`;
    r = await runYjs(YJS_SHAPE(quick), (i) => synclinePeer(srv.url, space, i));
  } finally {
    const { profile } = await session.post('Profiler.stop');
    writeFileSync(join(clientProf, 'clients.cpuprofile'), JSON.stringify(profile));
    session.disconnect();
    await srv.stop();
  }
  const server = summarizeProfile(serverProf, 100_000);
  const clients = summarizeProfile(clientProf, 100_000, 'clients.cpuprofile');
  return [
    `Re-ran the Yjs workload with @syncline/client (converged in ${r.converge.toFixed(0)} ms, update latency p50 ${r.p50.toFixed(0)} ms) with the server under \`node --cpu-prof\` and the client process (all ${YJS_SHAPE(quick).clients} clients) profiled through \`node:inspector\`.`,
    '',
    `From the samples: the server was busy ${(100 - server.idlePct).toFixed(0)}% of the time, the client process ${(100 - clients.idlePct).toFixed(0)}%; the time goes mostly in **${100 - server.idlePct < 100 - clients.idlePct ? 'the clients' : 'the server'}**.`,
    '',
    table('Server child (its profile includes its own start-up under tsx)', serverProf),
    table('Client process (Syncline clients on fake-indexeddb + Dexie)', clientProf, 'clients.cpuprofile'),
  ].join('\n');
}

export async function profileSlowest(m: Record<string, number>, quick: boolean, dir: string, log: Log): Promise<string | undefined> {
  const worst = slowest(m);
  if (!worst) return undefined;
  mkdirSync(dir, { recursive: true });
  log(`profiling ${worst.key} (${worst.factor.toFixed(1)}× behind its baseline)`);
  const head = `Slowest of our figures relative to its baseline: **${worst.section.replace(/^\d+\. /, '')} — ${worst.label}**, ${worst.factor.toFixed(1)}× behind.`;
  let body: string;
  if (worst.key.startsWith('catchup.')) body = await profileCatchup(worst.key.split('.')[1] as AckMode, quick, dir);
  else if (worst.key.startsWith('yjs.')) body = await profileYjs(quick, dir);
  else if (worst.key.startsWith('write.')) body = await profileWrite(worst.key, quick, dir);
  else body = `No profiling scenario is wired for \`${worst.key}\` yet; not profiled.`;
  return `${head}\n\n${body}`;
}
