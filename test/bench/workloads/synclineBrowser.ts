/**
 * Workloads 4 and 5 for our client, in headless Chromium: initial sync of a
 * seeded space into an empty @syncline/client database, and offline
 * catch-up (writes queued with the server down, timed from the server's
 * "listening" line until `flush({ until: 'accepted' })` resolves).
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import { AckModes } from '@syncline/shared';
import { bundlePage, launchChromium } from '../lib/browser.js';
import { servePage } from '../lib/pageServer.js';
import { seedRecords as seed, startSyncline } from '../lib/syncline.js';
import type { BenchContext, Metrics, Workload } from '../lib/types.js';
import { openPage } from './browserBaselines.js';
import { SYNC_SHAPE } from './syncShape.js';
import { CATCHUP_SHAPE } from './writeShape.js';
import { freePort } from '../../helpers/ports.js';

type Fn = (...a: unknown[]) => Promise<number>;

export const synclineBrowser: Workload = {
  name: 'syncline-browser',
  describe: (quick) => {
    const s = SYNC_SHAPE(quick);
    return `@syncline/client (engine in the page thread, pull pages of ${s.chunk}) in headless Chromium: initial sync of ${s.records} ~1 KB records seeded into a server child (3 SQLite files); offline catch-up of ${CATCHUP_SHAPE.total(quick)} writes queued while the server is down, per ack mode, timed from the server's listening line until \`flush({until:'accepted'})\` resolves (client backoff 20–100 ms)`;
  },
  async run(ctx: BenchContext): Promise<Metrics> {
    const out: Metrics = {};
    const s = SYNC_SHAPE(ctx.quick);
    const js = join(ctx.dir, 'syncline.js');
    await bundlePage('browser/synclinePage.ts', js);
    const site = await servePage(js);
    const browser = await launchChromium();
    try {
      const syncDir = join(ctx.dir, 'sync');
      mkdirSync(syncDir);
      const srv = await startSyncline(syncDir, 'semi-sync');
      try {
        const space = `init-${randomUUID().slice(0, 8)}`;
        await seed(srv.url, space, s.records, s.bodyBytes);
        const page = await openPage(browser, site.url);
        const ms = await page.evaluate(([u, sp, n]) => ((globalThis as any).runSync as Fn)(u, sp, n), [srv.url, space, s.records] as const);
        out['sync.syncline.rps'] = s.records / (ms / 1000);
        ctx.log(`initial sync: ${ms.toFixed(0)} ms`);
        await page.context().close();
      } finally {
        await srv.stop();
      }
      for (const mode of AckModes) {
        const dir = join(ctx.dir, `catchup-${mode}`);
        mkdirSync(dir);
        const port = await freePort();
        const page = await openPage(browser, site.url);
        const space = `catchup-${randomUUID().slice(0, 8)}`;
        const queued = await page.evaluate(([u, sp, n, b, m]) => ((globalThis as any).queueOffline as Fn)(u, sp, n, b, m), [
          `http://127.0.0.1:${port}`,
          space,
          CATCHUP_SHAPE.total(ctx.quick),
          CATCHUP_SHAPE.bodyBytes,
          mode,
        ] as const);
        const acked = page.evaluate(() => ((globalThis as any).waitAcked as Fn)());
        const srv = await startSyncline(dir, mode, ['--port', String(port)]);
        const t0 = Date.now();
        try {
          const at = await acked;
          out[`catchup.${mode}.ms`] = at - t0;
          ctx.log(`catch-up ${mode}: ${queued} queued, ${at - t0} ms`);
        } finally {
          await page.context().close();
          await srv.stop();
        }
      }
    } finally {
      await browser.close();
      site.server.close();
    }
    return out;
  },
};
