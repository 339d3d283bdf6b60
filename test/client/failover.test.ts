import { describe, expect, it } from 'vitest';
import { spawnServer } from '../helpers/spawnServer.js';
import { nodeContents, openClient, snapshot, startCluster, waitFor, useCleanup, type Client } from './realCluster.js';

const live = useCleanup();

const clientIdOf = async (c: Client) => (await c.db.table('_meta').get('clientId')).value as string;

describe('failover against real servers', () => {
  it('SIGKILL of the connected server during writes: the client moves on, nothing lost or duplicated', async () => {
    let dataDir: string;
    ({ servers: live.servers, dataDir } = await startCluster(2));
    const urls = live.servers.map((s) => s.url);
    const a = openClient(urls);
    const b = openClient([urls[1]!]);
    live.clients.push(a, b);
    const seen: string[] = [];
    a.sync.subscribe((s) => {
      if (s.state === 'online' && s.server && seen.at(-1) !== s.server) seen.push(s.server);
    });
    await waitFor(() => a.sync.getStatus().state === 'online', 10_000, 'a online');
    for (let i = 0; i < 300; i++) {
      await a.db.items.put({ id: `w${i}`, v: i });
      if (i % 20 === 0) await new Promise((r) => setTimeout(r, 5));
      if (i === 120) await live.servers[0]!.kill('SIGKILL');
    }
    await a.sync.flush({ timeoutMs: 30_000 });
    expect(a.sync.getStatus()).toMatchObject({ server: urls[1], state: 'online', pendingCount: 0, rejectedCount: 0 });
    expect(seen).toEqual([urls[0], urls[1]]);
    await waitFor(async () => (await snapshot(a)) === (await snapshot(b)), 20_000, 'b converged');
    expect(await b.db.items.count()).toBe(300);
    const id = await clientIdOf(a);
    for (const node of [1, 2, 3] as const) {
      const mine = nodeContents(dataDir, node).opIds.filter((o) => o.startsWith(`${id}:`));
      expect(new Set(mine).size).toBe(300);
      expect(mine).toHaveLength(300);
    }
  });

  it('rolling restart (SIGTERM drain) of both servers under load: zero rejected or lost writes', async () => {
    let dataDir: string;
    ({ servers: live.servers, dataDir } = await startCluster(2));
    const urls = live.servers.map((s) => s.url);
    const a = openClient(urls);
    const b = openClient([urls[1]!, urls[0]!]);
    live.clients.push(a, b);
    const moves: string[] = [];
    a.sync.subscribe((s) => {
      if (s.state === 'online' && s.serverId && moves.at(-1) !== s.serverId) moves.push(s.serverId);
    });
    await waitFor(() => a.sync.getStatus().state === 'online' && b.sync.getStatus().state === 'online', 10_000, 'online');
    let stop = false;
    let written = 0;
    const load = (async () => {
      while (!stop) {
        const c = written % 2 === 0 ? a : b;
        await c.db.items.put({ id: `r${written}`, by: c.name, v: written });
        written += 1;
        await new Promise((r) => setTimeout(r, 3));
      }
    })();
    for (const i of [0, 1]) {
      const old = live.servers[i]!;
      expect(await old.stop()).toBe(0);
      live.servers[i] = await spawnServer({ dataDir, port: old.port, args: ['--ack', 'sync', '--server-id', `srv${i}-b`] });
      await new Promise((r) => setTimeout(r, 500));
    }
    stop = true;
    await load;
    await a.sync.flush({ timeoutMs: 30_000 });
    await b.sync.flush({ timeoutMs: 30_000 });
    expect(written).toBeGreaterThan(50);
    // a started on srv0, was drained to srv1, and drained again to the restarted srv0.
    expect(moves.slice(0, 3)).toEqual(['srv0', 'srv1', 'srv0-b']);
    for (const c of [a, b]) {
      // The status is observable and eventually current; give its counts a moment after the flush.
      await waitFor(() => c.sync.getStatus().pendingCount === 0, 5_000, `${c.name} status pendingCount 0`);
      expect(c.sync.getStatus()).toMatchObject({ pendingCount: 0, rejectedCount: 0 });
    }
    expect(await a.sync.rejected()).toEqual([]);
    await waitFor(async () => (await snapshot(a)) === (await snapshot(b)), 20_000, 'converged');
    expect(await a.db.items.count()).toBe(written);
    const { records } = nodeContents(dataDir, 1);
    expect(records).toBe(written);
  });
});
