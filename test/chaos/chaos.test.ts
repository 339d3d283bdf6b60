/**
 * The bounded chaos run inside `npm test`: each ack mode for a few seconds
 * of seeded faults (server SIGKILL/SIGSTOP, node maintenance, client drops
 * and offline periods, skewed clocks, Redis restart) against real servers,
 * then the checker (checker.ts). Longer campaigns: `npm run chaos`.
 * Reproduce a failure with SYNCLINE_SEED=<printed seed>.
 */
import { describe, expect, it } from 'vitest';
import { runCampaign } from './campaign.js';
import { failures, formatTable } from './report.js';

const seed = Number(process.env.SYNCLINE_SEED ?? Date.now() % 1_000_000);

describe('chaos (bounded)', () => {
  it.each(['sync', 'semi-sync', 'async'] as const)(
    '%s: nothing acked is lost, nothing duplicated, everything converges',
    async (mode) => {
      console.log(`chaos seed ${seed} (rerun: SYNCLINE_SEED=${seed}, or npm run chaos -- --seed ${seed} --mode ${mode})`);
      const r = await runCampaign({ seed, mode, durationMs: 9_000, clients: 3, faultGapMs: [250, 700], healTimeoutMs: 30_000 });
      console.log(formatTable([r]));
      for (const p of r.problems.slice(0, 10)) console.log(`  - ${p}`);
      expect(r.faultTotal, 'faults were injected').toBeGreaterThan(3);
      expect(r.acked, 'writes were acked').toBeGreaterThan(30);
      expect(r.harnessErrors).toEqual([]);
      expect(failures(r), `seed ${seed}`).toEqual([]);
      expect(r.neverAcked, 'every write is acked once healed').toBe(0);
    },
    120_000,
  );
});
