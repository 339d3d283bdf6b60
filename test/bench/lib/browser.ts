/**
 * Headless Chromium (Debian's /usr/bin/chromium through playwright-core) and
 * esbuild bundles of small pages, so browser workloads use real IndexedDB.
 */
import { build } from 'esbuild';
import { chromium, type Browser } from 'playwright-core';
import { join } from 'node:path';
import { BENCH_DIR, REPO_ROOT } from './child.js';

export const CHROMIUM_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'];

export function launchChromium(): Promise<Browser> {
  return chromium.launch({ executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium', args: CHROMIUM_ARGS });
}

/**
 * Bundles a page script of this package (browser/…) into one ESM file at `outfile`; `tree` names another
 * checkout of the repository to bundle from (old vs new in one run, test/bench/catchUp.ts).
 */
export async function bundlePage(entry: string, outfile: string, tree?: string): Promise<void> {
  await build({
    entryPoints: [tree === undefined ? join(BENCH_DIR, entry) : join(tree, 'test/bench', entry)],
    outfile,
    bundle: true,
    format: 'esm',
    platform: 'browser',
    target: 'chrome120',
    conditions: ['@syncline/source', 'browser'],
    define: { 'process.env.NODE_ENV': '"production"', global: 'globalThis' },
    absWorkingDir: tree ?? REPO_ROOT,
    logLevel: 'error',
  });
}

