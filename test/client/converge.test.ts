import { describe, expect, it } from 'vitest';
import { nodeContents, openClient, snapshot, startCluster, waitFor, useCleanup } from './realCluster.js';

const live = useCleanup();

describe('clients against real servers', () => {
  it('two clients on different servers converge', async () => {
    ({ servers: live.servers } = await startCluster(2));
    const a = openClient([live.servers[0]!.url]);
    const b = openClient([live.servers[1]!.url]);
    live.clients.push(a, b);
    await a.db.items.put({ id: 'i1', title: 'from a', n: 1 });
    await b.db.items.put({ id: 'i2', title: 'from b' });
    await waitFor(async () => (await b.db.items.get('i1'))?.title === 'from a', 15_000, 'b sees i1');
    await waitFor(async () => (await a.db.items.get('i2'))?.title === 'from b', 15_000, 'a sees i2');
    await a.db.items.update('i2', { n: 2 });
    await b.db.items.update('i2', { title: 'b again' });
    await a.sync.flush({ timeoutMs: 10_000 });
    await b.sync.flush({ timeoutMs: 10_000 });
    await waitFor(async () => (await snapshot(a)) === (await snapshot(b)), 15_000, 'converged').catch(async (e) => {
      console.log(await snapshot(a), await snapshot(b), a.sync.getStatus(), b.sync.getStatus());
      throw e;
    });
    expect(await a.db.items.get('i2')).toMatchObject({ title: 'b again', n: 2 });
    expect(a.sync.getStatus()).toMatchObject({ state: 'online', pendingCount: 0, rejectedCount: 0 });
  });

  it('1,000 offline changes are all acked once and seen by the other client', async () => {
    let dataDir: string;
    ({ servers: live.servers, dataDir } = await startCluster(2));
    // Offline: the only server URL refuses connections.
    const a = openClient(['http://127.0.0.1:1']);
    live.clients.push(a);
    for (let i = 0; i < 1000; i += 100) {
      await a.db.transaction('rw', a.db.items, async () => {
        for (let j = i; j < i + 100; j++) await a.db.items.put({ id: `k${String(j).padStart(4, '0')}`, v: j });
      });
    }
    // Some of them edited again while offline.
    for (let j = 0; j < 1000; j += 10) await a.db.items.update(`k${String(j).padStart(4, '0')}`, { v: -j - 1 });
    expect(a.sync.getStatus().state).not.toBe('online');
    await waitFor(() => a.sync.getStatus().pendingCount === 1100, 5000, 'pending 1100').catch(async (e) => {
      console.log(a.sync.getStatus(), await a.db.table('_outbox').count());
      throw e;
    });
    const name = a.name;
    await a.close();
    live.clients.splice(0); // already closed above
    // Reopen the same database, now with real servers: the outbox survived.
    const a2 = openClient([live.servers[0]!.url, live.servers[1]!.url], { name });
    const b = openClient([live.servers[1]!.url]);
    live.clients.push(a2, b);
    await a2.sync.flush({ timeoutMs: 60_000 });
    expect(a2.sync.getStatus().rejectedCount).toBe(0);
    await waitFor(async () => (await snapshot(a2)) === (await snapshot(b)), 30_000, 'b has all of a');
    expect(await b.db.items.count()).toBe(1000);
    expect((await b.db.items.get('k0010'))?.v).toBe(-11);
    expect((await b.db.items.get('k0011'))?.v).toBe(11);
    // Exactly once: every node holds each of the 1,100 ops once, and 1,000 records.
    const clientId = (await a2.db.table('_meta').get('clientId')).value as string;
    for (const node of [1, 2, 3] as const) {
      const { opIds, records } = nodeContents(dataDir, node);
      const mine = opIds.filter((id) => id.startsWith(`${clientId}:`));
      expect(mine).toHaveLength(1100);
      expect(new Set(mine).size).toBe(1100);
      expect(records).toBe(1000);
    }
    expect(await snapshot(a2)).toBe(await snapshot(b));
  });
});
