/**
 * Benchmark runner: `npm run bench [-- --quick] [-- --only a,b] [-- --out FILE]`.
 * Runs each workload several times, takes the median of every figure and
 * rewrites BENCHMARKS.md at the repository root (or writes FILE instead, to
 * paste sections of a partial run into BENCHMARKS.md by hand).
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { REPO_ROOT } from './lib/child.js';
import { machineInfo } from './lib/machine.js';
import { median } from './lib/stats.js';
import { renderReport, type RunResult } from './lib/report.js';
import { profileSlowest } from './lib/profile.js';
import { WORKLOADS } from './workloads/index.js';

const argv = process.argv.slice(2);
const quick = argv.includes('--quick');
const onlyArg = argv.indexOf('--only');
const only = onlyArg >= 0 ? new Set((argv[onlyArg + 1] ?? '').split(',').filter(Boolean)) : null;
const repsArg = argv.indexOf('--reps');
const defaultReps = repsArg >= 0 ? Number(argv[repsArg + 1]) : quick ? 3 : 5;
const notes = argv.includes('--note') ? [argv[argv.indexOf('--note') + 1] ?? ''] : [];

if (only)
  for (const name of only)
    if (name !== 'profile' && !WORKLOADS.some((w) => w.name === name)) {
      console.error(`unknown workload ${name}; known: ${WORKLOADS.map((w) => w.name).join(', ')}, profile`);
      process.exit(2);
    }

const log = (msg: string) => process.stderr.write(`[bench ${new Date().toISOString().slice(11, 19)}] ${msg}\n`);
const result: RunResult = {
  command: `npm run bench${argv.length ? ` -- ${argv.join(' ')}` : ''}`,
  machine: machineInfo(),
  quick,
  reps: {},
  descriptions: {},
  medians: {},
  failures: {},
  notes,
};

const scratch = mkdtempSync(join(tmpdir(), 'syncline-bench-'));
for (const w of WORKLOADS) {
  if (only && !only.has(w.name)) continue;
  const reps = w.reps ?? defaultReps;
  result.reps[w.name] = reps;
  result.descriptions[w.name] = w.describe(quick);
  const samples: Record<string, number[]> = {};
  try {
    for (let i = 0; i < reps; i++) {
      const dir = join(scratch, `${w.name}-${i}`);
      mkdirSync(dir);
      log(`${w.name} run ${i + 1}/${reps}`);
      const m = await w.run({ quick, dir, log: (s) => log(`  ${w.name}: ${s}`) });
      for (const [k, v] of Object.entries(m)) (samples[k] ??= []).push(v);
      rmSync(dir, { recursive: true, force: true });
    }
    for (const [k, vs] of Object.entries(samples)) result.medians[k] = median(vs);
    log(
      `${w.name}: ${Object.entries(samples)
        .map(([k, vs]) => `${k}=${median(vs).toFixed(2)}`)
        .join(' ')}`,
    );
  } catch (err) {
    result.failures[w.name] = (err as Error).message.split('\n')[0]!.slice(0, 400);
    log(`${w.name} FAILED: ${(err as Error).stack ?? String(err)}`);
  }
}

if (!only || only.has('profile')) {
  try {
    result.profile = await profileSlowest(result.medians, quick, join(scratch, 'profile'), log);
  } catch (err) {
    result.failures.profile = (err as Error).message.split('\n')[0]!;
    log(`profile FAILED: ${(err as Error).stack}`);
  }
}

rmSync(scratch, { recursive: true, force: true });
const outArg = argv.indexOf('--out');
const outFile = outArg >= 0 ? resolve(argv[outArg + 1] ?? '') : join(REPO_ROOT, 'BENCHMARKS.md');
writeFileSync(outFile, renderReport(result));
log(`wrote ${outFile}`);
process.exit(0);
