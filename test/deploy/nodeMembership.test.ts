/**
 * Issue 4, membership:
 * - mixed nodes (`sqlite:` + two `postgres://`) behind two servers reach
 *   equal digests, checked by opening the nodes directly;
 * - disaster recovery: node 2's PostgreSQL server loses its data and is
 *   replaced by an empty one on the same address. Following the procedure in
 *   docs/deployment.md (maintenance on, replace, maintenance off), the node
 *   is refilled from its peers while writes continue, repair progress shows
 *   in /metrics, and its digest matches the others.
 */
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startPgInstances, type PgInstance } from '../helpers/pgInstances.js';
import { startRedisInstance, type RedisInstance } from '../helpers/redisInstance.js';
import { Deployment, freshDatabases, status } from './support/cluster.js';
import { expectNodesConverged, recordIds, withNodes } from './support/digests.js';
import { query } from './support/pgClient.js';
import { WriteLoop } from './support/WriteLoop.js';
import { metric } from './support/metric.js';
import { ChangeMaker } from '../helpers/changes.js';
import { request } from '../helpers/syncClient.js';
import type { PushReply } from '@syncline/shared';

describe('node membership', () => {
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

  it('mixed sqlite: and postgres:// nodes reach equal digests', async () => {
    await dep.dispose();
    dep = new Deployment();
    const [pg1, pg2] = await freshDatabases(pgs.slice(0, 2), 'mixed');
    const nodes = [`sqlite:${join(dep.tempDir('syncline-mixed-'), 'n1.db')}`, pg1!, pg2!];
    const [a, b] = await dep.startServers(2, { nodes, ack: 'semi-sync', redis: redis!.url });
    const wa = new WriteLoop(await dep.client(a!, 'mixA'), 'mixA', 'mixed').start();
    const wb = new WriteLoop(await dep.client(b!, 'mixB'), 'mixB', 'mixed').start();
    await Promise.all([wa.waitForAcks(40), wb.waitForAcks(40)]);
    // Deletes and overwrites of the same records from both servers, too.
    const c = await dep.client(b!, 'mixC');
    const maker = new ChangeMaker('mixC');
    const victims = wa.acked().slice(0, 10);
    const reply = await request<PushReply>(c, 'push', {
      changes: [
        ...victims.map((id) => maker.del('mixed', id)),
        ...wa
          .acked()
          .slice(10, 20)
          .map((id) => maker.put('mixed', id, { n: -1, by: 'mixC' })),
      ],
    });
    expect(reply.results.every((r) => r.status === 'ok')).toBe(true);
    await Promise.all([wa.stop(), wb.stop()]);

    const live = [...wa.acked().slice(10), ...wb.acked()];
    await expectNodesConverged(nodes, live, 'mixed');
    await withNodes(nodes, async (ns) => {
      for (const n of ns) {
        const page = await n.pull('mixed', 0, 10_000);
        const deleted = page.records.filter((r) => victims.includes(r.id));
        // Tombstones: present as deleted rows, never resurrected.
        expect(deleted.map((r) => r.id).sort()).toEqual([...victims].sort());
        expect(deleted.every((r) => r.state.del !== undefined)).toBe(true);
      }
    });
  });

  it('refills a node whose PostgreSQL server was replaced by an empty one', async () => {
    await dep.dispose();
    dep = new Deployment();
    const nodes = await freshDatabases(pgs, 'replace');
    const servers = await dep.startServers(2, { nodes, ack: 'semi-sync', redis: redis!.url });
    const [a, b] = servers as [NonNullable<(typeof servers)[0]>, NonNullable<(typeof servers)[0]>];
    const wa = new WriteLoop(await dep.client(a, 'repA'), 'repA', 'replace', { pauseMs: 5 }).start();
    const wb = new WriteLoop(await dep.client(b, 'repB'), 'repB', 'replace', { pauseMs: 5 }).start();
    await Promise.all([wa.waitForAcks(150), wb.waitForAcks(150)]);

    const victimId = (await status(a)).nodes[1]!.id;
    // 1. Take the node out on every server.
    for (const s of servers) expect((await fetch(`${s.url}/admin/nodes/${victimId}/maintenance`, { method: 'POST' })).status).toBe(200);
    // 2. The host dies with its disk; a new, empty PostgreSQL takes its address.
    const victim = pgs[1]!;
    await victim.destroyData();
    const dbName = new URL(nodes[1]!).pathname.slice(1);
    await query(victim.url, `CREATE DATABASE ${dbName}`);
    // Truly empty: no schema at all (opening it as a node here would create one and hide a server that cannot).
    expect(await query(nodes[1]!, `SELECT nspname FROM pg_namespace WHERE nspname = 'syncline'`)).toEqual([]);
    await Promise.all([wa.waitForAcks(20), wb.waitForAcks(20)]);
    // 3. Put it back: the servers repair it from the other nodes while writes go on.
    for (const s of servers) expect((await fetch(`${s.url}/admin/nodes/${victimId}/maintenance`, { method: 'DELETE' })).status).toBe(200);
    await Promise.all([wa.waitForAcks(20), wb.waitForAcks(20)]);
    await Promise.all([wa.stop(), wb.stop()]);
    console.log('replaced node as the server sees it:', JSON.stringify((await status(a)).nodes[1]));

    const acked = [...wa.acked(), ...wb.acked()];
    const took = await expectNodesConverged(nodes, acked, 'replace');
    console.log(`replaced node refilled with ${acked.length}+ ops; digests equal ${Math.round(took)} ms after writes stopped`);
    await withNodes([nodes[1]!], async ([n]) => expect((await recordIds(n!, 'replace')).size).toBeGreaterThanOrEqual(acked.length));

    // Repair and node health are visible to operators: ops applied by repair, progress back at 1, node up.
    const repaired = await Promise.all(
      servers.map(async (s) =>
        metric(await (await fetch(`${s.url}/metrics`)).text(), 'syncline_replicator_counter', { counter: 'repairedOps' }),
      ),
    );
    expect(repaired.reduce((x, y) => x + y, 0)).toBeGreaterThanOrEqual(300);
    const text = await (await fetch(`${a.url}/metrics`)).text();
    expect(metric(text, 'syncline_node_repair_progress', { node: victimId })).toBe(1);
    expect(metric(text, 'syncline_node_state', { node: victimId, state: 'up' })).toBe(1);
    const st = await status(a);
    expect(st.nodes.find((n) => n.id === victimId)).toMatchObject({ state: 'up', repairing: false });
  });
});
