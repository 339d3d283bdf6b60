/**
 * Headless Chromium (Debian's /usr/bin/chromium through playwright-core) and
 * esbuild bundles of small pages, so browser workloads use real IndexedDB.
 */
import { build, type BuildOptions, type Plugin } from 'esbuild';
import { chromium, type Browser } from 'playwright-core';
import { join } from 'node:path';
import { BENCH_DIR, REPO_ROOT } from './child.js';

export const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
];

export function launchChromium(): Promise<Browser> {
  return chromium.launch({ executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium', args: CHROMIUM_ARGS });
}

/** esbuild options every bench page bundle shares (one ESM file for Chromium, the client from its sources). */
export const PAGE_BUILD = {
  bundle: true,
  format: 'esm',
  platform: 'browser',
  target: 'chrome120',
  conditions: ['@syncline/source', 'browser'],
  define: { 'process.env.NODE_ENV': '"production"', global: 'globalThis' },
  logLevel: 'error',
} as const satisfies BuildOptions;

/**
 * Bundles a page script of this package (browser/…) into one ESM file at `outfile`; `tree` names another
 * checkout of the repository to bundle from (old vs new in one run, test/bench/catchUp.ts); `client` names
 * another checkout whose @syncline/client the page uses (this tree's page script and Dexie, that tree's
 * client: old vs new client under the same harness, test/bench/initialSync.ts --old).
 */
export async function bundlePage(entry: string, outfile: string, tree?: string, client?: string): Promise<void> {
  await build({
    plugins: client === undefined ? [] : [clientFrom(client)],
    entryPoints: [tree === undefined ? join(BENCH_DIR, entry) : join(tree, 'test/bench', entry)],
    outfile,
    ...PAGE_BUILD,
    absWorkingDir: tree ?? REPO_ROOT,
  });
}

/** Resolves @syncline/client to another checkout's sources, and Dexie always to this tree's (one copy: one zone system). */
function clientFrom(tree: string): Plugin {
  return {
    name: 'client-from',
    setup(b) {
      b.onResolve({ filter: /^@syncline\/client$/ }, () => ({ path: join(tree, 'client/src/index.ts') }));
      b.onResolve({ filter: /^dexie$/ }, async (args) => {
        if (args.pluginData === 'here') return undefined;
        const r = await b.resolve('dexie', { kind: args.kind, resolveDir: REPO_ROOT, pluginData: 'here' });
        return r.errors.length ? { errors: r.errors } : { path: r.path, sideEffects: r.sideEffects };
      });
    },
  };
}
