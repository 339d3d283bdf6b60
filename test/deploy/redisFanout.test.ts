/**
 * Issue 4, Redis fan-out: two server processes share three PostgreSQL nodes
 * and are connected only by a private Redis. The seq watcher is off
 * (`--poll-poke-ms 0`), so the only way a write through server B can poke a
 * client on server A is the Redis adapter.
 *
 * 1. A poke for a write through B reaches a client on A that never polls.
 * 2. Redis dies during writes: writes keep being acked (Redis is not on the
 *    write path) and cross-server pokes stop (which proves 1. travelled over
 *    Redis). Redis comes back on the same port: the servers reconnect by
 *    themselves, pokes flow again, and every client converges on every acked
 *    write within a bound, without pulling on its own.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startPgInstances, type PgInstance } from '../helpers/pgInstances.js';
import { startRedisInstance, type RedisInstance } from '../helpers/redisInstance.js';
import { Deployment, freshDatabases } from './support/cluster.js';
import { Replica } from './support/Replica.js';
import { sleep, WriteLoop } from './support/WriteLoop.js';
import { expectNodesConverged } from './support/digests.js';
import { waitFor as until } from '../helpers/wait.js';

const CONVERGE_BOUND_MS = 8000;

describe('two servers connected only by Redis', () => {
  let pgs: PgInstance[] = [];
  let redis: RedisInstance | undefined;
  const dep = new Deployment();
  beforeAll(async () => {
    [pgs, redis] = await Promise.all([startPgInstances(3), startRedisInstance()]);
  });
  afterAll(async () => {
    await dep.dispose();
    await Promise.all([...pgs.map((p) => p.dispose()), redis?.dispose()]);
  });

  it('carries pokes across servers, and survives a Redis outage with no lost write', async () => {
    const nodes = await freshDatabases(pgs, 'fanout');
    const [a, b] = await dep.startServers(2, { nodes, ack: 'sync', redis: redis!.url, pollPokeMs: 0 });

    // 1. The poke travels A <- Redis <- B.
    const onA = new Replica(await dep.client(a!, 'readerA'), 'board', { pullOnPoke: false });
    const onB = new Replica(await dep.client(b!, 'readerB'), 'board', { pullOnPoke: false });
    await Promise.all([onA.subscribe(), onB.subscribe()]);
    const writerB = new WriteLoop(await dep.client(b!, 'writerB'), 'writerB', 'board');
    const writerA = new WriteLoop(await dep.client(a!, 'writerA'), 'writerA', 'board');
    // Give the Redis subscription a moment to be in place on both servers.
    await sleep(300);
    const t0 = performance.now();
    writerB.start();
    await writerB.waitForAcks(1);
    await until(() => onA.pokes.length > 0, 3000, 'a poke on A for a write through B');
    console.log(`cross-server poke after ${Math.round(onA.pokes[0]! - t0)} ms`);
    await writerB.stop();
    await onA.pull();
    expect(onA.missing(writerB.acked())).toEqual([]);

    // 2. Redis outage during writes from both sides; readers now pull on every poke.
    const rA = new Replica(onA.socket, 'board');
    const rB = new Replica(onB.socket, 'board');
    writerA.start();
    writerB.start();
    await Promise.all([writerA.waitForAcks(5), writerB.waitForAcks(5)]);
    await redis!.stop();
    const downAt = performance.now();
    await Promise.all([writerA.waitForAcks(5), writerB.waitForAcks(5)]);
    // Writes through both servers are still acked without Redis (it is not on the write path).
    expect(writerA.sentBetween(downAt).some((o) => o.status === 'ok')).toBe(true);
    expect(writerB.sentBetween(downAt).some((o) => o.status === 'ok')).toBe(true);
    // Only B writes now: nothing may carry its pokes to A.
    await writerA.stop();
    await sleep(300);
    const quiet = rA.pokes.length;
    await writerB.waitForAcks(5);
    await sleep(700);
    expect(rA.pokes.length, 'a poke reached A without Redis: the test would not prove fan-out').toBe(quiet);

    await redis!.start();
    const upAt = performance.now();
    // The servers reconnect by themselves; B's writes poke A again.
    await until(() => rA.pokes.length > quiet, CONVERGE_BOUND_MS, 'a cross-server poke after Redis returned');
    console.log(`cross-server pokes resumed ${Math.round(performance.now() - upAt)} ms after Redis returned`);
    writerA.start();
    await writerA.waitForAcks(5);
    await Promise.all([writerA.stop(), writerB.stop()]);

    const acked = [...writerA.acked(), ...writerB.acked()];
    expect(acked.length).toBeGreaterThan(20);
    // Converge from pokes alone (the last writes' pokes make them pull everything after their cursor).
    const [tA, tB] = await Promise.all([rA.waitForAll(acked, CONVERGE_BOUND_MS), rB.waitForAll(acked, CONVERGE_BOUND_MS)]);
    console.log(`clients converged ${Math.round(Math.max(tA, tB))} ms after the last write`);
    await expectNodesConverged(nodes, acked, 'board');
  });
});
