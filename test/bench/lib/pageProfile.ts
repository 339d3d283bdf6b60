/** CPU profile of a Chromium page's main thread over CDP (Profiler domain). */
import type { Page } from 'playwright-core';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export async function profilePage<T>(page: Page, outDir: string, fn: () => Promise<T>): Promise<T> {
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('Profiler.enable');
  await cdp.send('Profiler.setSamplingInterval', { interval: 500 });
  await cdp.send('Profiler.start');
  try {
    return await fn();
  } finally {
    const { profile } = await cdp.send('Profiler.stop');
    mkdirSync(outDir, { recursive: true });
    writeFileSync(join(outDir, 'page.cpuprofile'), JSON.stringify(profile));
  }
}
