/**
 * "Where the time goes" per record on the write path, from `--cpu-prof`
 * samples of the server child (every thread's profile: the main thread and,
 * with worker-thread nodes, each node's worker). A sample counts for the
 * innermost frame on its stack that belongs to a category below, so e.g.
 * canonicalJson called from planBatch counts as canonical JSON, and
 * better-sqlite3's native work (statements, COMMIT with its fsync) shows up
 * as the JS frame that called into it.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

interface ProfNode {
  id: number;
  callFrame: { functionName: string; url: string };
  children?: number[];
}

const CATEGORIES: [string, (fn: string, url: string) => boolean][] = [
  [
    'start-up (module loading)',
    (_f, u) => /node:internal\/modules|\/tsx\/|esbuild/.test(u) || (u === '' && /^(compileSourceTextModule|wrapSafe)$/.test(_f)),
  ],
  [
    'validation (zod, limits, validateOp)',
    (f, u) => /node_modules\/zod\//.test(u) || /server\/src\/limits\//.test(u) || f === 'validateOp' || f === 'checkName',
  ],
  ['canonical JSON / op JSON', (f) => /^(canonicalJson|stringifyState|encodeOp|writeValue|writeObject|writeString)$/.test(f)],
  [
    'merge planning (planBatch, merge)',
    (_f, u) => /server\/src\/storage\/planBatch\.ts|shared\/src\/merge|shared\/src\/hlc|stateCodec\.ts/.test(u),
  ],
  ['digests', (f, u) => /digest\.ts/.test(u) || f === 'computeDigest'],
  [
    'SQLite statements + COMMIT/fsync (native)',
    (f, u) => /better-sqlite3/.test(u) || /SqliteNode\.ts/.test(u) || (/^(run|get|all)$/.test(f) && u === ''),
  ],
  [
    'worker messaging (structured clone)',
    (f, u) => /worker_threads|internal\/worker|SqliteWorkerNode|sqliteWorker/.test(u) || f === 'postMessage',
  ],
  [
    'Socket.IO / engine.io / ws',
    (_f, u) => /node_modules\/(socket\.io|engine\.io|ws|@socket\.io)[^/]*\/|server\/src\/docs\/socketParser/.test(u),
  ],
  ['replication (Replicator, NodeWriter, ack)', (_f, u) => /server\/src\/replication\//.test(u)],
  ['push handler / server glue', (_f, u) => /server\/src\//.test(u)],
  ['garbage collector', (f) => f === '(garbage collector)'],
];

export interface WriteCost {
  /** Milliseconds per category, summed over all threads; `idle` separately. */
  byCategory: Map<string, number>;
  threads: { file: string; busyMs: number; wallMs: number }[];
}

export function writeCost(profDir: string): WriteCost {
  const byCategory = new Map<string, number>();
  const threads: WriteCost['threads'] = [];
  for (const file of readdirSync(profDir).filter((f) => f.endsWith('.cpuprofile'))) {
    const prof = JSON.parse(readFileSync(join(profDir, file), 'utf8')) as {
      nodes: ProfNode[];
      samples: number[];
      timeDeltas: number[];
      startTime: number;
      endTime: number;
    };
    const parent = new Map<number, number>();
    const byId = new Map<number, ProfNode>();
    for (const n of prof.nodes) {
      byId.set(n.id, n);
      for (const c of n.children ?? []) parent.set(c, n.id);
    }
    // Node's ESM loader-hooks thread (tsx) only works at start-up and on late imports.
    const loaderThread = prof.nodes.some((n) => /modules\/esm\/worker/.test(n.callFrame.url));
    const catOf = new Map<number, string>();
    const loading = new Map<number, boolean>();
    // Anything called from the ESM loader (module evaluation at start-up, late imports) is start-up.
    const underLoader = (id: number): boolean => {
      let v = loading.get(id);
      if (v === undefined) {
        const up = parent.get(id);
        v = /node:internal\/modules\/esm/.test(byId.get(id)!.callFrame.url) || (up !== undefined && underLoader(up));
        loading.set(id, v);
      }
      return v;
    };
    // Anti-entropy (Repairer.ts and everything it calls: op-log reads, hasOps, applyBatch) counts as one category.
    const repairing = new Map<number, boolean>();
    const underRepair = (id: number): boolean => {
      let v = repairing.get(id);
      if (v === undefined) {
        const up = parent.get(id);
        v = /server\/src\/replication\/Repairer\.ts/.test(byId.get(id)!.callFrame.url) || (up !== undefined && underRepair(up));
        repairing.set(id, v);
      }
      return v;
    };
    const categorize = (id: number): string => {
      const hit = catOf.get(id);
      if (hit) return hit;
      const n = byId.get(id)!;
      const { functionName: f, url } = n.callFrame;
      if (f === '(idle)') return 'idle';
      if (loaderThread || underLoader(id)) return 'start-up (module loading)';
      if (f === '(program)') return 'V8/native outside JS (program)';
      if (underRepair(id)) return 'anti-entropy repair (Repairer and all it calls)';
      const mine = CATEGORIES.find(([, test]) => test(f, url))?.[0];
      const up = parent.get(id);
      // The innermost category wins: only look up the stack if this frame has none.
      const cat = mine ?? (up === undefined ? 'other' : categorize(up));
      catOf.set(id, cat);
      return cat;
    };
    let busy = 0;
    prof.samples.forEach((id, i) => {
      const ms = (prof.timeDeltas[i] ?? 0) / 1000;
      const cat = categorize(id);
      if (cat === 'idle' || byId.get(id)!.callFrame.functionName === '(idle)') return;
      busy += ms;
      byCategory.set(cat, (byCategory.get(cat) ?? 0) + ms);
    });
    threads.push({ file, busyMs: busy, wallMs: (prof.endTime - prof.startTime) / 1000 });
  }
  return { byCategory, threads };
}

/** A markdown table of µs per record per category (start-up left out). */
export function formatWriteCost(cost: WriteCost, records: number): string {
  const rows = [...cost.byCategory.entries()].filter(([k]) => !k.startsWith('start-up')).sort((a, b) => b[1] - a[1]);
  const total = rows.reduce((a, [, ms]) => a + ms, 0);
  return [
    '| where | CPU µs per record | share |',
    '|---|---|---|',
    ...rows.map(([k, ms]) => `| ${k} | ${((ms * 1000) / records).toFixed(1)} | ${((ms / total) * 100).toFixed(0)}% |`),
    `| **total (all threads, start-up excluded)** | **${((total * 1000) / records).toFixed(1)}** | |`,
  ].join('\n');
}
