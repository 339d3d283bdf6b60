/**
 * The request/response events against a real server process: push, pull
 * with cursors, subscribe + poke, `replicated`, clock-skew re-stamping, and
 * pokes between two server processes sharing the same node files.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { Hlc, decodeHlc, type PullReply, type PushReply, type ReplicatedMessage } from '@syncline/shared';
import { spawnServer, tempDir, type SpawnedServer } from '../helpers/spawnServer.js';
import { connectClient, nextEvent, request } from '../helpers/syncClient.js';
import { ChangeMaker } from '../helpers/changes.js';

let servers: SpawnedServer[] = [];
const sockets: { close(): void }[] = [];
afterEach(async () => {
  for (const s of sockets.splice(0)) s.close();
  await Promise.all(servers.map((s) => s.kill('SIGKILL')));
  servers = [];
});
async function start(args: string[] = [], dataDir?: string): Promise<SpawnedServer> {
  const s = await spawnServer({ args, dataDir });
  servers.push(s);
  return s;
}
async function client(url: string, clientId: string) {
  const c = await connectClient(url, { clientId });
  sockets.push(c);
  return c;
}

describe('push / pull / subscribe round trip', () => {
  it('pushes, pulls in pages after a cursor, and pokes subscribers', async () => {
    const srv = await start(['--server-id', 'rt']);
    const writer = await client(srv.url, 'w1');
    const reader = await client(srv.url, 'r1');
    expect(writer.welcome).toMatchObject({ serverId: 'rt', protocol: 1, ack: 'semi-sync', limits: { maxBatch: 500 } });

    expect(await request(reader, 'subscribe', { spaces: ['team'] })).toEqual({ spaces: ['team'] });
    const poked = nextEvent(reader, 'poke');
    const maker = new ChangeMaker('w1');
    const changes = [
      maker.put('team', 'a', { title: 'A' }),
      maker.put('team', 'b', { title: 'B' }),
      maker.put('other', 'c', { title: 'C' }),
    ];
    const reply = await request<PushReply>(writer, 'push', { changes });
    expect(reply.ack).toBe('semi-sync');
    expect(reply.results.map((r) => [r.opId, r.status])).toEqual(changes.map((c) => [c.opId, 'ok']));
    expect(await poked).toEqual({ space: 'team' });

    const page1 = await request<PullReply>(reader, 'pull', { space: 'team', limit: 1 });
    expect(page1.records.map((r) => r.id)).toEqual(['a']);
    expect(page1.hasMore).toBe(true);
    const page2 = await request<PullReply>(reader, 'pull', { space: 'team', cursor: page1.cursor, limit: 10 });
    expect(page2.records.map((r) => r.id)).toEqual(['b']);
    expect(page2.hasMore).toBe(false);
    expect(page2.records[0]!.state.fields.title).toMatchObject({ v: 'B' });
    const empty = await request<PullReply>(reader, 'pull', { space: 'team', cursor: page2.cursor });
    expect(empty.records).toEqual([]);

    // Re-sending the same op ids has one effect and returns the same outcome (G1).
    const again = await request<PushReply>(writer, 'push', { changes });
    expect(again.results.every((r) => r.status === 'ok')).toBe(true);
    const after = await request<PullReply>(reader, 'pull', { space: 'team', cursor: page2.cursor });
    expect(after.records).toEqual([]);

    expect(await request(reader, 'unsubscribe', { spaces: ['team'] })).toEqual({ spaces: [] });
  });

  it('tells the pusher when its ops reached every node, after their ack', async () => {
    const srv = await start();
    const c = await client(srv.url, 'rep');
    const maker = new ChangeMaker('rep');
    const notices: string[] = [];
    const acked = new Set<string>();
    let ackedBeforeNotice = true;
    c.on('replicated', (m: ReplicatedMessage) => {
      for (const id of m.opIds) if (!acked.has(id)) ackedBeforeNotice = false;
      notices.push(...m.opIds);
    });
    // With node3 out, async/semi-sync writes are acked but cannot reach every node yet.
    expect((await fetch(`${srv.url}/admin/nodes/n3/maintenance`, { method: 'POST' })).status).toBe(200);
    const pending: string[] = [];
    for (const ack of ['semi-sync', 'async'] as const) {
      const changes = Array.from({ length: 20 }, (_, i) => maker.put('s', `x-${ack}-${i}`, { v: i }));
      const reply = await request<PushReply>(c, 'push', { changes, ack });
      for (const r of reply.results) {
        expect(r).toMatchObject({ status: 'ok' });
        expect(r.replicated).toBeFalsy();
        acked.add(r.opId);
        pending.push(r.opId);
      }
    }
    await new Promise((r) => setTimeout(r, 300));
    expect(notices).toEqual([]);
    // Back in: repair copies the ops to node3 and every op gets exactly one notice.
    expect((await fetch(`${srv.url}/admin/nodes/n3/maintenance`, { method: 'DELETE' })).status).toBe(200);
    const until = Date.now() + 8000;
    while (notices.length < pending.length && Date.now() < until) await new Promise((r) => setTimeout(r, 50));
    expect([...notices].sort()).toEqual([...pending].sort());
    expect(ackedBeforeNotice).toBe(true);
  });

  it('re-stamps a change whose HLC is far ahead of the server clock', async () => {
    const srv = await start(['--max-clock-skew-ms', '1000']);
    const c = await client(srv.url, 'skew');
    const future = new Hlc('skew', { now: () => Date.now() + 3_600_000 });
    const change = { kind: 'put', opId: 'skew:1', space: 's', table: 't', id: 'a', hlc: future.now(), fields: { v: 1 } };
    const near = { ...change, opId: 'skew:2', id: 'b', hlc: new Hlc('skew').now() };
    const before = Date.now();
    const reply = await request<PushReply>(c, 'push', { changes: [change, near] });
    const [far, ok] = reply.results;
    expect(far!.status).toBe('ok');
    expect(far!.hlc).toBeDefined();
    expect(Math.abs(decodeHlc(far!.hlc!).ms - before)).toBeLessThan(30_000);
    expect(ok!.hlc).toBeUndefined();
    const pulled = await request<PullReply>(c, 'pull', { space: 's' });
    const stored = pulled.records.find((r) => r.id === 'a')!;
    expect(stored.state.fields.v!.t).toBe(far!.hlc);
  });

  it('pokes clients of another server process that shares the node files', async () => {
    const dataDir = tempDir();
    const a = await start(['--poll-poke-ms', '100'], dataDir);
    const b = await start(['--poll-poke-ms', '100'], dataDir);
    const onB = await client(b.url, 'sub-b');
    await request(onB, 'subscribe', { spaces: ['shared'] });
    await new Promise((r) => setTimeout(r, 300)); // let B's watcher learn the space's tip
    const poked = nextEvent(onB, 'poke', 5000);
    const onA = await client(a.url, 'push-a');
    const reply = await request<PushReply>(onA, 'push', { changes: [new ChangeMaker('push-a').put('shared', 'z', { v: 1 })] });
    expect(reply.results[0]!.status).toBe('ok');
    expect(await poked).toEqual({ space: 'shared' });
    const pulled = await request<PullReply>(onB, 'pull', { space: 'shared' });
    expect(pulled.records.map((r) => r.id)).toEqual(['z']);
  });
});
