/** Renders BENCHMARKS.md from the medians of one run. */
import { COMPARISONS, type Comparison } from './comparisons.js';

export interface RunResult {
  command: string;
  machine: Record<string, string>;
  quick: boolean;
  reps: Record<string, number>;
  descriptions: Record<string, string>;
  medians: Record<string, number>;
  failures: Record<string, string>;
  notes: string[];
  profile?: string;
}

function fmt(v: number | undefined, unit: string): string {
  if (v === undefined || Number.isNaN(v)) return 'not measured';
  const digits = Math.abs(v) >= 100 ? 0 : Math.abs(v) >= 10 ? 1 : 2;
  return `${v.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits })} ${unit}`;
}

function row(c: Comparison, m: Record<string, number>): string {
  const ours = m[c.ours];
  const base = c.base ? m[c.base] : undefined;
  const ratio = ours !== undefined && base !== undefined && base !== 0 ? `${(ours / base).toFixed(2)}×` : '—';
  let target = '—';
  if (c.target)
    target =
      ours === undefined ? `${c.target.text}: not measured` : `${c.target.text}: **${c.target.met(ours, base) ? 'met' : 'not met'}**`;
  return `| ${c.label} | ${fmt(ours, c.unit)} | ${fmt(base, c.unit)} | ${ratio} (${c.better} is better) | ${target} |`;
}

export function renderReport(r: RunResult): string {
  const out: string[] = [
    '# Benchmarks',
    '',
    'Written by `npm run bench` (test/bench/run.ts); every number below was measured in the run described here.',
    'Each figure is the median over the runs of its workload; its baseline was measured in the same run.',
    'Ratio = ours ÷ baseline.',
    '',
    '## Run',
    '',
    `- command: \`${r.command}\`${r.quick ? ' (quick: small sizes)' : ''}`,
    ...Object.entries(r.machine).map(([k, v]) => `- ${k}: ${v}`),
    ...r.notes.map((n) => `- note: ${n}`),
    '',
    '## Workloads',
    '',
    ...Object.entries(r.descriptions).map(([k, v]) => `- **${k}** (${r.reps[k] ?? '?'} runs): ${v}`),
    '',
  ];
  let section = '';
  for (const c of COMPARISONS) {
    if (c.section !== section) {
      section = c.section;
      out.push('', `## ${section}`, '', '| figure | ours | baseline | ratio | target |', '|---|---|---|---|---|');
    }
    out.push(row(c, r.medians));
  }
  if (Object.keys(r.failures).length) {
    out.push('', '## Failed in this run', '');
    for (const [k, v] of Object.entries(r.failures)) out.push(`- **${k}**: ${v}`);
  }
  out.push('', '## Where the time goes', '', r.profile ?? 'Not profiled in this run (run without `--only`, or with `--only profile`).', '');
  out.push('## All medians', '', '| key | median |', '|---|---|');
  for (const [k, v] of Object.entries(r.medians).sort(([a], [b]) => a.localeCompare(b))) out.push(`| ${k} | ${fmt(v, '')} |`);
  return out.join('\n') + '\n';
}
