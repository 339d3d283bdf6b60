/**
 * Issue 4 end to end with the real client engine (Dexie over
 * fake-indexeddb, outbox, retries, failover): two servers on three
 * PostgreSQL nodes joined by Redis, `sync` mode, one client per server
 * writing through plain Dexie. A node crashes and comes back, then Redis
 * restarts. The clients' outboxes drain (writes rejected as retryable while
 * the node is down are re-sent, each applied once), both clients end with
 * the same data, and every node has the same digest and every write.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startPgInstances, type PgInstance } from '../helpers/pgInstances.js';
import { startRedisInstance, type RedisInstance } from '../helpers/redisInstance.js';
import { openClient, snapshot, waitFor, type Client } from '../client/realCluster.js';
import { Deployment, freshDatabases } from './support/cluster.js';
import { expectNodesConverged } from './support/digests.js';
import { sleep } from './support/WriteLoop.js';

describe('client engines through node and Redis faults', () => {
  let pgs: PgInstance[] = [];
  let redis: RedisInstance | undefined;
  const dep = new Deployment();
  const clients: Client[] = [];
  beforeAll(async () => {
    [pgs, redis] = await Promise.all([startPgInstances(3), startRedisInstance()]);
  });
  afterAll(async () => {
    for (const c of clients) await c.close().catch(() => undefined);
    await dep.dispose();
    await Promise.all([...pgs.map((p) => p.dispose()), redis?.dispose()]);
  });

  it('loses no write and converges', async () => {
    const nodes = await freshDatabases(pgs, 'engine');
    const [a, b] = await dep.startServers(2, { nodes, ack: 'sync', redis: redis!.url });
    const ca = openClient([a!.url, b!.url], { defaultSpace: 'eng' });
    const cb = openClient([b!.url, a!.url], { defaultSpace: 'eng' });
    clients.push(ca, cb);

    let running = true;
    const written: string[] = [];
    const writer = async (c: Client, tag: string) => {
      for (let i = 0; running; i++) {
        const id = `${tag}-${i}`;
        await c.db.items.put({ id, by: tag, i });
        written.push(id);
        await sleep(30);
      }
    };
    const loops = [writer(ca, 'a'), writer(cb, 'b')];
    await sleep(1000);
    await pgs[2]!.stop('immediate');
    await sleep(2500);
    await pgs[2]!.start();
    await sleep(1000);
    await redis!.stop();
    await sleep(1000);
    await redis!.start();
    await sleep(1000);
    running = false;
    await Promise.all(loops);

    const t0 = performance.now();
    await Promise.all([ca.sync.flush({ timeoutMs: 30_000 }), cb.sync.flush({ timeoutMs: 30_000 })]);
    await waitFor(
      async () => (await snapshot(ca)) === (await snapshot(cb)) && (await ca.db.items.count()) === written.length,
      20_000,
      'both clients hold every write',
    );
    console.log(`${written.length} writes; clients converged ${Math.round(performance.now() - t0)} ms after the last one`);
    for (const c of [ca, cb]) expect(c.sync.getStatus()).toMatchObject({ pendingCount: 0, rejectedCount: 0 });
    await expectNodesConverged(nodes, written, 'eng');
  });
});
