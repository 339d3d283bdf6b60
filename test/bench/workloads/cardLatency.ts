/**
 * Issue 11, in Chromium: the example board's card added in one window,
 * until it is in the other window's DOM. Two browser contexts (own
 * IndexedDB, own Worker, own socket) on the same board, served by two
 * `syncline-server` children on three SQLite nodes (semi-sync), the same
 * build the e2e tests use. Each sample: window A sets the title and clicks
 * Add, stamping the time in the page; window B's MutationObserver stamps
 * the time the card appears. Both stamps are `performance.timeOrigin +
 * performance.now()` in the same browser on one machine.
 *
 * Each sample is also split in three at the WebSocket frames of the two
 * sync workers (their `send` and `message` hooked): writer (click → A's
 * worker sends the push: app code, the IndexedDB write with its outbox row,
 * the worker picking it up), wire (→ B's worker receives the row: server
 * commit and delivery) and reader (→ in B's DOM: IndexedDB apply, the page's
 * query, render).
 */
import { join } from 'node:path';
import { mkdirSync } from 'node:fs';
import type { Page, Worker } from 'playwright-core';
import { ensureBuilt } from '../../../examples/board/scripts/ensureBuilt.js';
import { serveBoard } from '../../../examples/board/scripts/serveBoard.js';
import { launchBrowser } from '../../helpers/browser.js';
import { spawnServer } from '../../helpers/spawnServer.js';
import { median, percentile } from '../lib/stats.js';
import type { BenchContext, Metrics, Workload } from '../lib/types.js';

const samples = (quick: boolean) => (quick ? 20 : 50);

/** In a sync worker: stamps the WebSocket frames that carry a `lat-N` title (sent pushes, received rows). */
// No named functions inside (tsx's keepNames would wrap them in a `__name` helper the worker lacks).
const HOOK_FRAMES = () => {
  const g = globalThis as unknown as { __frames?: [string, number][]; __stamp?: (dir: string, data: unknown) => void };
  if (g.__frames) return;
  const frames: [string, number][] = (g.__frames = []);
  g.__stamp = (dir: string, data: unknown) => {
    const m = typeof data === 'string' ? /lat-\d+/.exec(data) : null;
    if (m) frames.push([`${dir}:${m[0]}`, performance.timeOrigin + performance.now()]);
  };
  const send = WebSocket.prototype.send;
  WebSocket.prototype.send = function (this: WebSocket & { __hooked?: boolean }, data: string | ArrayBufferLike | Blob | ArrayBufferView) {
    if (typeof data === 'string' && data.includes('"push"')) g.__stamp!('send', data);
    if (!this.__hooked) {
      this.__hooked = true;
      this.addEventListener('message', (e: MessageEvent) => g.__stamp!('recv', e.data));
    }
    return send.call(this, data);
  };
};

async function framesOf(worker: Worker | undefined): Promise<Map<string, number>> {
  const list = ((await worker
    ?.evaluate(() => (globalThis as unknown as { __frames?: [string, number][] }).__frames)
    .catch(() => undefined)) ?? []) as [string, number][];
  const out = new Map<string, number>();
  for (const [k, t] of list) if (!out.has(k)) out.set(k, t);
  return out;
}

async function openBoard(page: Page, url: string): Promise<void> {
  await page.goto(url);
  await page.locator('#app[data-ready="true"]').waitFor({ timeout: 30_000 });
  await page.locator('[data-testid=list]').nth(2).waitFor();
}

export const cardLatency: Workload = {
  name: 'card-latency',
  describe: (quick) =>
    `example board in headless Chromium: a card added in one window until it is in the other window's DOM, ${samples(quick)} cards one after another (two contexts, two server children on 3 SQLite files, semi-sync)`,
  reps: 1,
  async run(ctx: BenchContext): Promise<Metrics> {
    await ensureBuilt();
    const dataDir = join(ctx.dir, 'data');
    mkdirSync(dataDir);
    const servers = await Promise.all(['s1', 's2'].map((id) => spawnServer({ dataDir, args: ['--server-id', id, '--ack', 'semi-sync'] })));
    const web = await serveBoard({ config: { servers: servers.map((s) => s.url) } });
    const browser = await launchBrowser();
    try {
      const url = `${web.url}/?board=latency-${Date.now().toString(36)}`;
      const a = await (await browser.newContext()).newPage();
      const b = await (await browser.newContext()).newPage();
      const workers: { a?: Worker; b?: Worker } = {};
      a.on('worker', (w) => (workers.a = w));
      b.on('worker', (w) => (workers.b = w));
      await openBoard(a, url);
      await openBoard(b, url);
      await Promise.all([workers.a?.evaluate(HOOK_FRAMES), workers.b?.evaluate(HOOK_FRAMES)]);
      await b.evaluate(() => {
        const seen = new Map<string, number>();
        (window as unknown as { __seen: Map<string, number> }).__seen = seen;
        new MutationObserver(() => {
          for (const el of document.querySelectorAll('[data-testid=card]')) {
            const title = el.textContent ?? '';
            const m = /lat-\d+/.exec(title);
            if (m && !seen.has(m[0])) seen.set(m[0], performance.timeOrigin + performance.now());
          }
        }).observe(document.body, { childList: true, subtree: true, characterData: true });
      });
      const latencies: number[] = [];
      const stages = { writer: [] as number[], wire: [] as number[], reader: [] as number[] };
      for (let i = 0; i < samples(ctx.quick); i++) {
        const title = `lat-${i}`;
        const sentAt = await a.evaluate((t) => {
          const list = document.querySelectorAll('[data-testid=list]')[0]!;
          (list.querySelector('[data-testid=add-card-input]') as HTMLInputElement).value = t;
          const at = performance.timeOrigin + performance.now();
          (list.querySelector('[data-testid=add-card-button]') as HTMLButtonElement).click();
          return at;
        }, title);
        await b.waitForFunction((t) => (window as unknown as { __seen: Map<string, number> }).__seen.has(t), title, {
          timeout: 30_000,
          polling: 5,
        });
        const seenAt = await b.evaluate((t) => (window as unknown as { __seen: Map<string, number> }).__seen.get(t)!, title);
        latencies.push(seenAt - sentAt);
        const [fa, fb] = await Promise.all([framesOf(workers.a), framesOf(workers.b)]);
        const pushed = fa.get(`send:${title}`);
        const received = fb.get(`recv:${title}`);
        if (pushed !== undefined && received !== undefined) {
          stages.writer.push(pushed - sentAt);
          stages.wire.push(received - pushed);
          stages.reader.push(seenAt - received);
        }
        await new Promise((r) => setTimeout(r, 100)); // one card at a time, as a person adds them
      }
      ctx.log(`card latencies (ms): ${latencies.map((x) => x.toFixed(1)).join(' ')}`);
      ctx.log(`stages split for ${stages.writer.length} of ${latencies.length} cards (frames seen in both workers)`);
      const split: Metrics = stages.writer.length
        ? { 'card.writer.p50': median(stages.writer), 'card.wire.p50': median(stages.wire), 'card.reader.p50': median(stages.reader) }
        : {};
      return { 'card.p50': median(latencies), 'card.p90': percentile(latencies, 90), 'card.max': Math.max(...latencies), ...split };
    } finally {
      await browser.close().catch(() => undefined);
      await web.close();
      await Promise.all(servers.map((s) => s.stop()));
    }
  },
};
