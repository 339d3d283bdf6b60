/**
 * Workload 4 baselines in headless Chromium: Dexie's raw `bulkPut` of the
 * records (chunks of 1,000), and PouchDB replicating the same records from an
 * express-pouchdb server (memory adapter, child process) into IndexedDB.
 */
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { bundlePage, launchChromium } from '../lib/browser.js';
import { startChild } from '../lib/child.js';
import { servePage } from '../lib/pageServer.js';
import type { BenchContext, Metrics, Workload } from '../lib/types.js';
import { SYNC_SHAPE } from './syncShape.js';

export async function openPage(browser: Browser, url: string): Promise<Page> {
  const page = await (await browser.newContext()).newPage();
  await page.goto(url);
  await page.waitForFunction(() => document.title === 'ready', undefined, { timeout: 30_000 });
  return page;
}

export const browserBaselines: Workload = {
  name: 'browser-baselines',
  describe: (quick) => {
    const s = SYNC_SHAPE(quick);
    return `${s.records} records (~1 KB: ${s.bodyBytes} B body) into IndexedDB in headless Chromium: Dexie 4 \`bulkPut\` in chunks of ${s.chunk}; PouchDB 9 (pouchdb-browser) \`replicate\` (batch_size ${s.chunk}) from express-pouchdb 4.2 on the memory adapter`;
  },
  async run(ctx: BenchContext): Promise<Metrics> {
    const s = SYNC_SHAPE(ctx.quick);
    const dexieJs = join(ctx.dir, 'dexie.js');
    const pouchJs = join(ctx.dir, 'pouch.js');
    await Promise.all([bundlePage('browser/dexiePage.ts', dexieJs), bundlePage('browser/pouchPage.ts', pouchJs)]);
    const browser = await launchChromium();
    const out: Metrics = {};
    try {
      const site = await servePage(dexieJs);
      try {
        const page = await openPage(browser, site.url);
        const ms = await page.evaluate(([n, b, c]) => (globalThis as any).runDexie(n, b, c) as Promise<number>, [
          s.records,
          s.bodyBytes,
          s.chunk,
        ] as const);
        out['sync.dexie.rps'] = s.records / (ms / 1000);
        ctx.log(`dexie bulkPut: ${ms.toFixed(0)} ms`);
        await page.context().close();
      } finally {
        site.server.close();
      }
      const pouch = await startChild<{ port: number }>('servers/pouchServer.ts', [String(s.records), String(s.bodyBytes), pouchJs]);
      try {
        const page = await openPage(browser, `http://127.0.0.1:${pouch.info.port}/`);
        const remote = `http://127.0.0.1:${pouch.info.port}/db/bench`;
        const ms = await page.evaluate(([u, n, c]) => (globalThis as any).runPouch(u, n, c) as Promise<number>, [
          remote,
          s.records,
          s.chunk,
        ] as const);
        out['sync.pouch.rps'] = s.records / (ms / 1000);
        ctx.log(`pouch replicate: ${ms.toFixed(0)} ms`);
        await page.context().close();
      } finally {
        await pouch.stop();
      }
    } finally {
      await browser.close();
    }
    return out;
  },
};
