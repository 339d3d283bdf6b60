/** The campaign table and the pass/fail rule. */
import type { CampaignReport } from './campaign.js';

/** Why a campaign fails: acked-and-lost in sync/semi-sync, any duplicate, any divergence (from each other or the model), any G1 violation. */
export function failures(r: CampaignReport): string[] {
  const out: string[] = [];
  if (r.ackedLost > 0 && r.mode !== 'async') out.push(`${r.ackedLost} acked write(s) lost in ${r.mode}`);
  if (r.duplicates > 0) out.push(`${r.duplicates} duplicate effect(s)`);
  if (r.nodeDivergence > 0) out.push(`${r.nodeDivergence} node(s) diverge`);
  if (r.clientDivergence > 0) out.push(`${r.clientDivergence} client(s) diverge`);
  if (r.modelDivergence > 0) out.push(`${r.modelDivergence} replica(s) differ from the LWW model`);
  if (r.stampMismatches > 0) out.push(`${r.stampMismatches} op(s) stored with different stamps`);
  if (r.g1Mismatches > 0) out.push(`${r.g1Mismatches} re-send(s) answered differently (G1)`);
  if (r.convergenceMs === null) out.push('did not converge in time');
  return out;
}

const ms = (v: number | null) => (v === null ? 'never' : `${(v / 1000).toFixed(1)} s`);

export function formatTable(reports: CampaignReport[]): string {
  const cols: [string, (r: CampaignReport) => string][] = [
    ['mode', (r) => r.mode],
    ['ops', (r) => String(r.ops)],
    ['acked+present', (r) => String(r.ackedPresent)],
    ['acked+lost', (r) => String(r.ackedLost)],
    ['never acked', (r) => String(r.neverAcked)],
    ['rejected', (r) => String(r.rejected)],
    ['dup', (r) => String(r.duplicates)],
    ['diverged n/c/model', (r) => `${r.nodeDivergence}/${r.clientDivergence}/${r.modelDivergence}`],
    ['G1', (r) => String(r.g1Mismatches + r.stampMismatches)],
    ['faults', (r) => String(r.faultTotal)],
    ['nodes conv.', (r) => ms(r.nodeConvergenceMs)],
    ['all conv.', (r) => ms(r.convergenceMs)],
    ['result', (r) => (failures(r).length === 0 ? 'PASS' : 'FAIL')],
  ];
  const rows = [cols.map(([h]) => h), ...reports.map((r) => cols.map(([, f]) => f(r)))];
  const widths = cols.map((_, i) => Math.max(...rows.map((row) => row[i]!.length)));
  const line = (row: string[]) => `| ${row.map((c, i) => c.padEnd(widths[i]!)).join(' | ')} |`;
  const sep = `|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`;
  const faultLines = reports.map(
    (r) =>
      `${r.mode}: ${Object.entries(r.faults)
        .map(([k, n]) => `${k} ${n}`)
        .join(', ')}`,
  );
  return [line(rows[0]!), sep, ...rows.slice(1).map(line), '', 'faults injected:', ...faultLines].join('\n');
}
