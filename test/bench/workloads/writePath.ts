/**
 * Workload 1: W concurrent writers (socket.io-client) pushing batches through
 * a real server child to three SQLite nodes, per ack mode. Records/s over the
 * whole run, ack latency per batch.
 */
import { AckModes } from '@syncline/shared';
import { percentile } from '../lib/stats.js';
import { ChangeMaker, connectClient, pushOk, recordPuts, startSyncline } from '../lib/syncline.js';
import type { BenchContext, Metrics, Workload } from '../lib/types.js';
import { WRITE_SHAPE } from './writeShape.js';
import { existsSync, mkdirSync, statSync } from 'node:fs';

/** A SQLite file's bytes, with its WAL if one is left. */
export function fileBytes(path: string): number {
  return statSync(path).size + (existsSync(`${path}-wal`) ? statSync(`${path}-wal`).size : 0);
}
import { join } from 'node:path';

export async function measure(url: string, mode: (typeof AckModes)[number], writers: number, total: number, tag: string) {
  const sockets = await Promise.all(Array.from({ length: writers }, (_, i) => connectClient(url, { clientId: `w${tag}-${i}` })));
  const perWriter = total / writers;
  const lat: number[] = [];
  let jsonBytes = 0;
  // One op-id namespace per connection: the server refuses op ids of another client id (writer identity).
  const makers = sockets.map((_, i) => new ChangeMaker(`w${tag}-${i}`));
  // Untimed warm-up (one record per writer): connections, the server's JIT and its node workers'
  // start-up (from sources each worker compiles TS through tsx) stay out of the figures.
  await Promise.all(
    sockets.map(async (s, i) => {
      const warm = recordPuts(makers[i]!, 'bench', 0, 1, WRITE_SHAPE.bodyBytes, `${tag}-${i}-warm-`);
      jsonBytes += Buffer.byteLength(JSON.stringify({ id: warm[0]!.id, ...warm[0]!.fields }));
      await pushOk(s, warm, mode);
    }),
  );
  const t0 = performance.now();
  await Promise.all(
    sockets.map(async (s, i) => {
      const maker = makers[i]!;
      for (let done = 0; done < perWriter; done += WRITE_SHAPE.batch) {
        const batch = recordPuts(maker, 'bench', done, WRITE_SHAPE.batch, WRITE_SHAPE.bodyBytes, `${tag}-${i}-`);
        for (const op of batch) jsonBytes += Buffer.byteLength(JSON.stringify({ id: op.id, ...op.fields }));
        const b0 = performance.now();
        await pushOk(s, batch, mode);
        lat.push(performance.now() - b0);
      }
    }),
  );
  const secs = (performance.now() - t0) / 1000;
  for (const s of sockets) s.close();
  return { rps: total / secs, p50: percentile(lat, 50), p99: percentile(lat, 99), jsonBytes };
}

export const writePath: Workload = {
  name: 'write-path',
  describe: (quick) =>
    `per ack mode, a server child (\`--nodes sqlite:a.db,sqlite:b.db,sqlite:c.db --ack MODE\`); ${WRITE_SHAPE.writers.join(', ')} concurrent socket.io-client writers push ${WRITE_SHAPE.total(quick)} records (${WRITE_SHAPE.bodyBytes} B body) in batches of ${WRITE_SHAPE.batch}; every op must come back ok`,
  async run(ctx: BenchContext): Promise<Metrics> {
    const out: Metrics = {};
    for (const mode of AckModes) {
      const dir = join(ctx.dir, mode);
      mkdirSync(dir);
      const srv = await startSyncline(dir, mode);
      let jsonBytes = 0;
      try {
        for (const w of WRITE_SHAPE.writers) {
          const r = await measure(srv.url, mode, w, WRITE_SHAPE.total(ctx.quick), `${mode}${w}`);
          jsonBytes += r.jsonBytes;
          ctx.log(`${mode} w=${w}: ${r.rps.toFixed(0)} rec/s p50 ${r.p50.toFixed(1)} ms p99 ${r.p99.toFixed(1)} ms`);
          out[`write.${mode}.w${w}.rps`] = r.rps;
          out[`write.${mode}.w${w}.p50`] = r.p50;
          out[`write.${mode}.w${w}.p99`] = r.p99;
        }
      } finally {
        await srv.stop();
      }
      // Footprint: one node's file (the server closed it: WAL checkpointed) ÷ the JSON of the records written.
      out[`storage.${mode}.ratio`] = fileBytes(join(dir, 'a.db')) / jsonBytes;
      ctx.log(
        `${mode} storage: ${(fileBytes(join(dir, 'a.db')) / 1e6).toFixed(1)} MB node file for ${(jsonBytes / 1e6).toFixed(1)} MB of record JSON`,
      );
    }
    return out;
  },
};
