/**
 * The client's ack apply in Chromium, trees side by side in one run
 * (browser/ackApplyPage.ts): `n` queued writes acked in batches of 500 by
 * `applyPushResults` directly — the catch-up's client share without the
 * connect and server noise. Each tree's client (client/src, shared/src) is
 * bundled under this tree's page.
 *
 *   node --conditions=@syncline/source --import tsx test/bench/ackApply.ts [--records 10000] [--reps 5] [--old /work/wt/base]
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { build, type Plugin } from 'esbuild';
import { launchChromium, PAGE_BUILD } from './lib/browser.js';
import { BENCH_DIR, REPO_ROOT } from './lib/child.js';
import { servePage } from './lib/pageServer.js';

const argv = process.argv.slice(2);
const arg = (name: string, dflt: string) => (argv.includes(name) ? argv[argv.indexOf(name) + 1]! : dflt);
const N = Number(arg('--records', '10000'));
const REPS = Number(arg('--reps', '5'));
const TREES = argv.includes('--old') ? [REPO_ROOT, arg('--old', '')] : [REPO_ROOT];
const log = (s: string) => process.stderr.write(`[ack-apply] ${s}\n`);
const load = () => readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ');

/** Resolves this tree's client/ and shared/ sources to the same files of `tree`. */
function swapTree(tree: string): Plugin {
  return {
    name: 'swap-tree',
    setup(b) {
      b.onResolve({ filter: /.*/ }, async (args) => {
        if (args.pluginData === 'swapped' || tree === REPO_ROOT) return undefined;
        const r = await b.resolve(args.path, {
          kind: args.kind,
          resolveDir: args.resolveDir,
          importer: args.importer,
          pluginData: 'swapped',
        });
        if (r.errors.length) return undefined;
        const rel = relative(REPO_ROOT, r.path);
        if (!/^(client|shared)\/src\//.test(rel)) return undefined;
        return { path: join(tree, rel) };
      });
    },
  };
}

const scratch = mkdtempSync(join(tmpdir(), 'syncline-ackapply-'));
const sites = await Promise.all(
  TREES.map(async (tree, i) => {
    const out = join(scratch, `page${i}.js`);
    await build({
      entryPoints: [join(BENCH_DIR, 'browser/ackApplyPage.ts')],
      outfile: out,
      ...PAGE_BUILD,
      absWorkingDir: REPO_ROOT,
      plugins: [swapTree(tree)],
    });
    return { tree, site: await servePage(out) };
  }),
);
const browser = await launchChromium();
const totals = new Map<string, number[]>(TREES.map((t) => [t, []]));
try {
  for (let rep = 0; rep < REPS; rep++) {
    for (const { tree, site } of rep % 2 === 0 ? sites : [...sites].reverse()) {
      const context = await browser.newContext();
      const page = await context.newPage();
      await page.goto(site.url);
      await page.waitForFunction(() => document.title === 'ready', undefined, { timeout: 30_000 });
      const l = load();
      const r = (await page.evaluate(([n]) => (globalThis as any).ackApply(n, 200, 500), [N] as const)) as {
        writeMs: number;
        applyMs: number[];
      };
      const total = r.applyMs.reduce((a, b) => a + b, 0);
      totals.get(tree)!.push(total);
      const sorted = [...r.applyMs].sort((a, b) => a - b);
      log(
        `rep ${rep} ${tree}: apply ${total.toFixed(0)} ms for ${r.applyMs.length} batches (median ${sorted[sorted.length >> 1]!.toFixed(0)}, max ${sorted.at(-1)!.toFixed(0)} ms), offline writes ${r.writeMs.toFixed(0)} ms (load ${l})`,
      );
      await context.close();
    }
  }
} finally {
  await browser.close();
  for (const s of sites) s.site.server.close();
  rmSync(scratch, { recursive: true, force: true });
}
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[xs.length >> 1]!;
const summary = TREES.map((tree) => ({ tree, medianApplyMs: median(totals.get(tree)!), runs: totals.get(tree)! }));
for (const s of summary) log(`${s.tree}: median apply ${s.medianApplyMs.toFixed(0)} ms (${s.runs.map((x) => x.toFixed(0)).join(', ')})`);
console.log(JSON.stringify({ records: N, summary }, null, 1));
process.exit(0);
