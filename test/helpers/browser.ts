/**
 * Headless Debian Chromium through playwright-core (no browser download:
 * `.ci/run` installs the `chromium` package). Service workers need a secure
 * context, which http://127.0.0.1 is.
 *
 * ```ts
 * const browser = await launchBrowser();
 * const ctx = await browser.newContext();
 * const page = await ctx.newPage();
 * await page.goto(url);
 * await browser.close();
 * ```
 */
import { chromium, type Browser, type BrowserContextOptions } from 'playwright-core';

export const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

export function launchBrowser(): Promise<Browser> {
  return chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    headless: true,
    args: CHROMIUM_ARGS,
    timeout: 30_000,
  });
}

/** A phone: 390x844 viewport, touch events, mobile meta-viewport handling, 3x pixels. */
export const PHONE: BrowserContextOptions = {
  viewport: { width: 390, height: 844 },
  deviceScaleFactor: 3,
  isMobile: true,
  hasTouch: true,
  userAgent: 'Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/156.0.0.0 Mobile Safari/537.36',
};
