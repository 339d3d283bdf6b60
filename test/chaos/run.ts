/**
 * `npm run chaos -- --seed N --minutes M --mode sync|semi-sync|async|all --clients K [--engine tuned|defaults]`
 *
 * Runs a chaos campaign per ack mode against real `syncline-server`
 * processes (see campaign.ts and faults.ts), prints one table row per mode
 * and exits 1 on any acked-and-lost write in sync/semi-sync, any duplicate
 * effect, any divergence or G1 violation (report.ts). `--verbose` logs each
 * fault as it starts.
 */
import { parseArgs } from 'node:util';
import { AckModes, type AckMode } from '@syncline/shared';
import { runCampaign, type CampaignReport } from './campaign.js';
import { failures, formatTable } from './report.js';

const { values } = parseArgs({
  options: {
    seed: { type: 'string' },
    minutes: { type: 'string', default: '1' },
    mode: { type: 'string', default: 'all' },
    clients: { type: 'string', default: '4' },
    'no-redis': { type: 'boolean', default: false },
    verbose: { type: 'boolean', default: false },
    engine: { type: 'string', default: 'tuned' },
  },
});
const seed = values.seed !== undefined ? Number(values.seed) : Date.now() % 1_000_000;
const minutes = Number(values.minutes);
const clients = Number(values.clients);
const modes: AckMode[] = values.mode === 'all' ? [...AckModes] : [values.mode as AckMode];
if (!Number.isInteger(seed) || !(minutes > 0) || !Number.isInteger(clients) || clients < 1 || modes.some((m) => !AckModes.includes(m))) {
  process.stderr.write(
    'usage: npm run chaos -- [--seed N] [--minutes M] [--mode sync|semi-sync|async|all] [--clients K] [--no-redis] [--verbose]\n',
  );
  process.exit(2);
}

const perMode = (minutes * 60_000) / modes.length;
console.log(
  `chaos: seed ${seed}, ${minutes} min (${(perMode / 1000).toFixed(0)} s of faults per mode), modes ${modes.join(', ')}, ${clients} engine clients + 2 skewed protocol clients`,
);
const reports: CampaignReport[] = [];
for (const mode of modes) {
  const started = Date.now();
  const r = await runCampaign({
    seed,
    mode,
    durationMs: perMode,
    clients,
    redis: !values['no-redis'],
    healTimeoutMs: 120_000,
    engine: values.engine === 'defaults' ? 'defaults' : 'tuned',
    log: values.verbose ? (l) => console.log(`  [${mode} +${((Date.now() - started) / 1000).toFixed(1)}s] ${l}`) : undefined,
  });
  reports.push(r);
  const why = failures(r);
  console.log(`${mode}: ${r.ops} ops, ${r.faultTotal} faults, ${why.length === 0 ? 'PASS' : `FAIL: ${why.join('; ')}`}`);
  const l = r.ackLatency;
  console.log(
    `${mode}: ack latency (engine clients, ${l.count} writes, ${l.unacked} unacked at the end): p50 ${l.p50Ms} ms, p99 ${l.p99Ms} ms, max ${l.maxMs} ms`,
  );
  const o = r.ackLatencyOnline;
  console.log(
    `${mode}: ack latency of writes whose client stayed online (${o.count} writes): p50 ${o.p50Ms} ms, p99 ${o.p99Ms} ms, max ${o.maxMs} ms`,
  );
  for (const p of r.problems.slice(0, 20)) console.log(`  - ${p}`);
  for (const e of r.harnessErrors.slice(0, 10)) console.log(`  ! ${e}`);
}
console.log(
  `\n${formatTable(reports)}\n\nreproduce: npm run chaos -- --seed ${seed} --minutes ${minutes} --mode ${values.mode} --clients ${clients}`,
);
process.exit(reports.some((r) => failures(r).length > 0) ? 1 : 0);
