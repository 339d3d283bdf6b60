/**
 * Issue 4, a PostgreSQL node crashes during continuous writes: three
 * PostgreSQL instances as nodes, two servers joined by Redis, a writer and
 * a reader on each server. Node 2 is stopped in immediate mode (no
 * checkpoint: crash recovery on restart) and started again later.
 *
 * - `sync`: no write sent while it is down is acked; once the servers have
 *   noticed, every write is rejected as retryable NOT_ENOUGH_REPLICAS.
 * - `semi-sync`: every write is acked throughout; with the primary (node 1)
 *   stopped instead, writes in flight may be indeterminate, then the next
 *   node takes over and every write is acked again.
 * - Both: writes are acked again soon after the restart, every node ends
 *   with the same digest, and every acked write is on every node and with
 *   every client.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AckMode } from '@syncline/shared';
import { startPgInstances, type PgInstance } from '../helpers/pgInstances.js';
import { startRedisInstance, type RedisInstance } from '../helpers/redisInstance.js';
import { Deployment, freshDatabases } from './support/cluster.js';
import { expectNodesConverged } from './support/digests.js';
import { Replica } from './support/Replica.js';
import { sleep, WriteLoop } from './support/WriteLoop.js';

const WRITE_TIMEOUT_MS = 2000;
/** After this long the servers must have noticed the dead node (a write timeout plus a health tick, with slack). */
const NOTICE_MS = WRITE_TIMEOUT_MS + 2000;
const DOWN_MS = NOTICE_MS + 1500;

describe('a PostgreSQL node stopped in immediate mode during writes', () => {
  let pgs: PgInstance[] = [];
  let redis: RedisInstance | undefined;
  let dep = new Deployment();
  beforeAll(async () => {
    [pgs, redis] = await Promise.all([startPgInstances(3), startRedisInstance()]);
  });
  afterAll(async () => {
    await dep.dispose();
    await Promise.all([...pgs.map((p) => p.dispose()), redis?.dispose()]);
  });

  async function crashAndRestart(ack: AckMode, victimIndex = 1) {
    await dep.dispose();
    dep = new Deployment();
    const nodes = await freshDatabases(pgs, `${ack.replace('-', '')}${victimIndex}`);
    const [a, b] = await dep.startServers(2, { nodes, ack, redis: redis!.url, writeTimeoutMs: WRITE_TIMEOUT_MS });
    const writers = [
      new WriteLoop(await dep.client(a!, `wa-${ack}`), `wa-${ack}`, 'crash', { pauseMs: 20 }),
      new WriteLoop(await dep.client(b!, `wb-${ack}`), `wb-${ack}`, 'crash', { pauseMs: 20 }),
    ];
    const readers = [new Replica(await dep.client(a!, `ra-${ack}`), 'crash'), new Replica(await dep.client(b!, `rb-${ack}`), 'crash')];
    await Promise.all(readers.map((r) => r.subscribe()));
    for (const w of writers) w.start();
    await Promise.all(writers.map((w) => w.waitForAcks(10)));

    const victim = pgs[victimIndex]!;
    await victim.stop('immediate');
    const downAt = performance.now();
    let restartAt = 0;
    let upAt: number;
    try {
      await sleep(DOWN_MS);
      // A dead node must cost availability at most, never the server process.
      for (const s of [a!, b!]) expect(s.proc.exitCode, `server died when a node went down:\n${s.output().slice(-1500)}`).toBeNull();
    } finally {
      // Restarted even when an assertion failed, so the next scenario has three nodes.
      restartAt = performance.now();
      await victim.start();
      upAt = performance.now();
    }
    const tBack = performance.now();
    await Promise.all(writers.map((w) => w.waitForAcks(5, 15_000)));
    const backAfter = performance.now() - tBack;
    await Promise.all(writers.map((w) => w.stop()));

    const during = writers.flatMap((w) => w.sentBetween(downAt, restartAt));
    const settled = writers.flatMap((w) => w.sentBetween(downAt + NOTICE_MS, restartAt));
    const summary = (xs: typeof during) =>
      xs.reduce<Record<string, number>>(
        (m, o) => ((m[`${o.status}:${o.error?.code ?? ''}`] = (m[`${o.status}:${o.error?.code ?? ''}`] ?? 0) + 1), m),
        {},
      );
    console.log(
      `${ack} (node ${victimIndex + 1} down): during the outage ${JSON.stringify(summary(during))}; after notice ${JSON.stringify(summary(settled))}; acked again ${Math.round(backAfter)} ms after restart (${Math.round(upAt - restartAt)} ms pg start)`,
    );

    const acked = writers.flatMap((w) => w.acked());
    const tConv = await expectNodesConverged(nodes, acked, 'crash');
    await Promise.all(readers.map((r) => r.pull()));
    for (const r of readers) expect(r.missing(acked)).toEqual([]);
    console.log(`${ack}: ${acked.length} acked writes, nodes converged ${Math.round(tConv)} ms after the writes stopped`);
    return { during, settled };
  }

  it('sync: rejects writes as retryable NOT_ENOUGH_REPLICAS while it is down, loses nothing acked', async () => {
    const { during, settled } = await crashAndRestart('sync');
    // Never ok without every configured node (G0/G2).
    expect(during.filter((o) => o.status === 'ok')).toEqual([]);
    expect(settled.length).toBeGreaterThan(3);
    for (const o of settled) {
      expect(o.status).toBe('rejected');
      expect(o.error).toMatchObject({ code: 'NOT_ENOUGH_REPLICAS', retryable: true });
    }
  });

  it('semi-sync: keeps acking writes while it is down, loses nothing acked', async () => {
    const { during } = await crashAndRestart('semi-sync');
    expect(during.length).toBeGreaterThan(10);
    expect(during.filter((o) => o.status !== 'ok')).toEqual([]);
  });

  it('semi-sync, primary down: fails over to the next node and keeps acking', async () => {
    const { during, settled } = await crashAndRestart('semi-sync', 0);
    // Writes in flight on the dead primary may be indeterminate (retried by clients), never rejected.
    expect(during.filter((o) => o.status !== 'ok' && o.status !== 'indeterminate')).toEqual([]);
    expect(settled.length).toBeGreaterThan(10);
    expect(settled.filter((o) => o.status !== 'ok')).toEqual([]);
  });
});
