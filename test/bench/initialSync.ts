/**
 * Initial sync at full size into Chromium with ON-DISK profiles (a fresh
 * persistent context per variant), all variants in one run:
 *   dexie  — Dexie `bulkPut` of the same records in chunks of 1,000 (baseline)
 *   pouch  — PouchDB replication from express-pouchdb (baseline)
 *   page   — @syncline/client, engine in the page thread
 *   worker — @syncline/client, engine in a Worker (@syncline/client/worker)
 *   old-page, old-worker — the same with the client of another checkout (`--old PATH`, e.g. the base
 *            commit), under this tree's harness: old and new alternate in one run
 * Per variant: records/s, the origin's `navigator.storage.estimate().usage`
 * and the size of the profile's IndexedDB directory on disk. `--profile`
 * records a CDP CPU profile of the page (and old-page) variant's main thread and prints
 * its top functions by self time.
 *
 *   node --conditions=@syncline/source --import tsx test/bench/initialSync.ts \
 *     [--records 100000] [--variants dexie,pouch,page,worker] [--profile] [--old PATH] [--wait get|count]
 *
 * The page waits for the last seeded record, then confirms with one count;
 * `--wait count` polls the count of the whole table every 10 ms instead (the
 * old harness: that count competes with the sync it measures).
 */
import { createServer } from 'node:http';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { CHROMIUM_ARGS, bundlePage } from './lib/browser.js';
import { startChild } from './lib/child.js';
import { PAGE_HTML } from './lib/pageHtml.js';
import { profilePage } from './lib/pageProfile.js';
import { summarizeProfile } from './lib/cpuProfile.js';
import { seedRecords, startSyncline } from './lib/syncline.js';

const argv = process.argv.slice(2);
const arg = (name: string, dflt: string) => (argv.includes(name) ? argv[argv.indexOf(name) + 1]! : dflt);
const N = Number(arg('--records', '100000'));
const variants = arg('--variants', 'dexie,pouch,page,worker').split(',');
const profile = argv.includes('--profile');
const old = argv.includes('--old') ? arg('--old', '') : undefined;
const wait = arg('--wait', 'get');
if (wait !== 'get' && wait !== 'count') throw new TypeError(`--wait get|count, not ${wait}`);
if (!old && variants.some((v) => v.startsWith('old-'))) throw new TypeError('old-page / old-worker need --old PATH');
const BODY = 900;
const CHUNK = 1000;
const log = (s: string) => process.stderr.write(`[initial-sync ${new Date().toISOString().slice(11, 19)}] ${s}\n`);
const load = () => readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ');

const scratch = mkdtempSync(join(tmpdir(), 'syncline-initial-'));
const files = {
  dexie: join(scratch, 'dexie.js'),
  pouch: join(scratch, 'pouch.js'),
  syncline: join(scratch, 'syncline.js'),
  worker: join(scratch, 'worker.js'),
  oldSyncline: join(scratch, 'old-syncline.js'),
  oldWorker: join(scratch, 'old-worker.js'),
};
await Promise.all([
  bundlePage('browser/dexiePage.ts', files.dexie),
  bundlePage('browser/pouchPage.ts', files.pouch),
  bundlePage('browser/synclinePage.ts', files.syncline),
  bundlePage('../../client/src/worker/worker.ts', files.worker),
  ...(old
    ? [
        bundlePage('browser/synclinePage.ts', files.oldSyncline, undefined, old),
        bundlePage('../../client/src/worker/worker.ts', files.oldWorker, old),
      ]
    : []),
]);

function serve(app: string, worker = files.worker): Promise<{ url: string; close(): void }> {
  const server = createServer((req, res) => {
    if (req.url === '/') return void res.writeHead(200, { 'content-type': 'text/html' }).end(PAGE_HTML);
    if (req.url === '/app.js') return void res.writeHead(200, { 'content-type': 'text/javascript' }).end(readFileSync(app));
    if (req.url === '/worker.js') return void res.writeHead(200, { 'content-type': 'text/javascript' }).end(readFileSync(worker));
    res.writeHead(404).end();
  });
  return new Promise((r) =>
    server.listen(0, '127.0.0.1', () => {
      const a = server.address();
      r({ url: `http://127.0.0.1:${typeof a === 'object' && a ? a.port : 0}/`, close: () => server.close() });
    }),
  );
}

async function withContext<T>(url: string, fn: (page: Page, ctx: BrowserContext, dir: string) => Promise<T>): Promise<T> {
  const dir = mkdtempSync(join(scratch, 'profile-'));
  const ctx = await chromium.launchPersistentContext(dir, {
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    args: CHROMIUM_ARGS,
    headless: true,
  });
  try {
    const page = ctx.pages()[0] ?? (await ctx.newPage());
    await page.goto(url);
    await page.waitForFunction(() => document.title === 'ready', undefined, { timeout: 30_000 });
    return await fn(page, ctx, dir);
  } finally {
    await ctx.close();
  }
}

async function footprint(page: Page, dir: string): Promise<{ usage: number; onDisk: number }> {
  const usage = await page.evaluate(async () => (await navigator.storage.estimate()).usage ?? 0);
  const onDisk = Number(
    execFileSync('du', ['-sb', join(dir, 'Default', 'IndexedDB')])
      .toString()
      .split('\t')[0],
  );
  return { usage, onDisk };
}

/** Per variant, one entry per run of it (a variant may be listed twice: dexie first and last). */
const results: Record<string, { ms: number; rps: number; usage: number; onDisk: number; load: string }[]> = {};
const record = (name: string, ms: number, f: { usage: number; onDisk: number }, l: string) => {
  (results[name] ??= []).push({ ms, rps: N / (ms / 1000), ...f, load: l });
  log(
    `${name}: ${ms.toFixed(0)} ms, ${(N / (ms / 1000)).toFixed(0)} rec/s, storage.estimate ${(f.usage / 2 ** 20).toFixed(1)} MiB, IndexedDB dir ${(f.onDisk / 2 ** 20).toFixed(1)} MiB (load ${l})`,
  );
};

type Fn = (...a: unknown[]) => Promise<number>;
try {
  for (const v of variants) {
    if (v === 'dexie') {
      const site = await serve(files.dexie);
      await withContext(site.url, async (page, _ctx, dir) => {
        const l = load();
        const ms = await page.evaluate(([n, b, c]) => ((globalThis as any).runDexie as Fn)(n, b, c), [N, BODY, CHUNK] as const);
        record('dexie', ms, await footprint(page, dir), l);
      });
      site.close();
    } else if (v === 'pouch') {
      const pouch = await startChild<{ port: number }>('servers/pouchServer.ts', [String(N), String(BODY), files.pouch]);
      try {
        await withContext(`http://127.0.0.1:${pouch.info.port}/`, async (page, _ctx, dir) => {
          const l = load();
          const ms = await page.evaluate(([u, n, c]) => ((globalThis as any).runPouch as Fn)(u, n, c), [
            `http://127.0.0.1:${pouch.info.port}/db/bench`,
            N,
            CHUNK,
          ] as const);
          record('pouch', ms, await footprint(page, dir), l);
        });
      } finally {
        await pouch.stop();
      }
    } else if (['page', 'worker', 'old-page', 'old-worker'].includes(v)) {
      const isOld = v.startsWith('old-');
      const inWorker = v.endsWith('worker');
      const dir = mkdtempSync(join(scratch, 'server-'));
      const srv = await startSyncline(dir, 'semi-sync');
      const site = isOld ? await serve(files.oldSyncline, files.oldWorker) : await serve(files.syncline);
      try {
        const space = `init-${randomUUID().slice(0, 8)}`;
        await seedRecords(srv.url, space, N, BODY, log);
        log(`seeded ${N} records`);
        await withContext(site.url, async (page, _ctx, pdir) => {
          const l = load();
          const run = () =>
            page.evaluate(([u, sp, n, w, how, last]) => ((globalThis as any).runSync as Fn)(u, sp, n, w, how, last), [
              srv.url,
              space,
              N,
              inWorker,
              wait,
              `r${N - 1}`,
            ] as const);
          const profiled = profile && !inWorker;
          const ms = profiled ? await profilePage(page, join(scratch, `cpu-${v}`), run) : await run();
          record(v, ms, await footprint(page, pdir), l);
          if (profiled) {
            const p = summarizeProfile(join(scratch, `cpu-${v}`), 30, 'page.cpuprofile');
            console.log(`${v}:`);
            log(`${v} main thread: ${p.wallMs.toFixed(0)} ms profiled, ${(100 - p.idlePct).toFixed(0)}% busy`);
            for (const t of p.top) console.log(`| \`${t.frame}\` | ${t.ms.toFixed(0)} ms | ${t.pct.toFixed(1)}% |`);
          }
        });
      } finally {
        site.close();
        await srv.stop();
      }
    } else {
      throw new TypeError(`unknown variant ${v}`);
    }
  }
} finally {
  rmSync(scratch, { recursive: true, force: true });
}
const mean = (name: string) => {
  const r = results[name];
  return r?.length ? r.reduce((a, x) => a + x.rps, 0) / r.length : undefined;
};
const base = mean('dexie');
const ratios = Object.fromEntries(Object.keys(results).map((name) => [name, base ? Number((mean(name)! / base).toFixed(3)) : null]));
console.log(JSON.stringify({ records: N, wait, ratiosToDexie: ratios, results }, null, 1));
process.exit(0);
