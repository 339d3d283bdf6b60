/**
 * HTTP surface of a real server process: health, readiness by ack mode,
 * metrics, status; a node taken out through the admin API makes a `sync`
 * server unready, putting it back repairs it (equal digests).
 */
import { afterEach, describe, expect, it } from 'vitest';
import { PROTOCOL_VERSION, type PushReply } from '@syncline/shared';
import { spawnServer, type SpawnedServer } from '../helpers/spawnServer.js';
import { connectClient, request } from '../helpers/syncClient.js';
import { ChangeMaker } from '../helpers/changes.js';
import { getJson } from '../helpers/http.js';

let servers: SpawnedServer[] = [];
afterEach(async () => {
  await Promise.all(servers.map((s) => s.kill('SIGKILL')));
  servers = [];
});
async function start(args: string[] = []): Promise<SpawnedServer> {
  const s = await spawnServer({ args });
  servers.push(s);
  return s;
}

async function waitFor<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs = 10_000): Promise<T> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const v = await probe();
    if (v !== undefined) return v;
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

describe('HTTP endpoints', () => {
  it('answers healthz, readyz, status and Prometheus metrics', async () => {
    const srv = await start(['--server-id', 'http-a']);
    expect(await getJson(`${srv.url}/healthz`)).toMatchObject({ status: 200, body: { alive: true, serverId: 'http-a' } });
    expect(await getJson(`${srv.url}/readyz`)).toMatchObject({ status: 200, body: { ready: true, mode: 'semi-sync' } });
    const status = await getJson<{ nodes: { id: string }[]; digests: Record<string, string>; protocol: number }>(
      `${srv.url}/status?digests=1`,
    );
    expect(status.body.protocol).toBe(PROTOCOL_VERSION);
    expect(status.body.nodes.map((n) => n.id)).toEqual(['n1', 'n2', 'n3']);
    expect(Object.keys(status.body.digests)).toEqual(['n1', 'n2', 'n3']);

    const client = await connectClient(srv.url, { clientId: 'm1' });
    const maker = new ChangeMaker('m1');
    const reply = await request<PushReply>(client, 'push', { changes: [maker.put('s', 'a', { x: 1 })], ack: 'sync' });
    expect(reply.results[0]!.status).toBe('ok');
    const metrics = await (await fetch(`${srv.url}/metrics`)).text();
    expect(metrics).toMatch(/syncline_acks_total\{mode="sync",outcome="ok",server="http-a"\} 1/);
    expect(metrics).toMatch(/syncline_connected_clients\{server="http-a"\} 1/);
    expect(metrics).toMatch(/syncline_push_duration_seconds_count\{[^}]*mode="sync"[^}]*\} 1/);
    expect(metrics).toMatch(/syncline_node_state\{node="n2",state="up",server="http-a"\} 1/);
    client.close();
  });

  it('sync: /readyz is 503 while a node is in maintenance, 200 after; digests equal after repair', async () => {
    const srv = await start(['--ack', 'sync']);
    const client = await connectClient(srv.url, { clientId: 'mt' });
    const maker = new ChangeMaker('mt');

    const out = await fetch(`${srv.url}/admin/nodes/n3/maintenance`, { method: 'POST' });
    expect(out.status).toBe(200);
    const unready = await getJson<{ ready: boolean; reason: string }>(`${srv.url}/readyz`);
    expect(unready.status).toBe(503);
    expect(unready.body.reason).toMatch(/sync/);

    // No silent downgrade: sync writes are rejected while a node is out...
    const rejected = await request<PushReply>(client, 'push', { changes: [maker.put('s', 'r', { v: 0 })] });
    expect(rejected.results[0]).toMatchObject({ status: 'rejected', error: { code: 'NOT_ENOUGH_REPLICAS', retryable: true } });
    // ...async ones go to the remaining nodes, so node3 falls behind.
    const batch = Array.from({ length: 20 }, (_, i) => maker.put('s', `k${i}`, { v: i }));
    const ok = await request<PushReply>(client, 'push', { changes: batch, ack: 'async' });
    expect(ok.results.every((r) => r.status === 'ok')).toBe(true);
    const behind = await getJson<{ digests: Record<string, string> }>(`${srv.url}/status?digests=1`);
    expect(behind.body.digests.n3).not.toBe(behind.body.digests.n1);

    expect((await fetch(`${srv.url}/admin/nodes/n3/maintenance`, { method: 'DELETE' })).status).toBe(200);
    await waitFor('readyz 200', async () => ((await fetch(`${srv.url}/readyz`)).status === 200 ? true : undefined));
    const repaired = await getJson<{ digests: Record<string, string> }>(`${srv.url}/admin/repair`, { method: 'POST' });
    expect(repaired.status).toBe(200);
    const d = repaired.body.digests;
    expect(d.n1).toBe(d.n2);
    expect(d.n3).toBe(d.n1);
    expect((await fetch(`${srv.url}/admin/nodes/nope/maintenance`, { method: 'POST' })).status).toBe(404);
    client.close();
  });

  it('degrade fallback: acks degraded with a node out and counts it (G2)', async () => {
    const srv = await start(['--ack', 'sync', '--fallback', 'degrade', '--server-id', 'deg']);
    const client = await connectClient(srv.url, { clientId: 'dg' });
    const maker = new ChangeMaker('dg');
    expect((await fetch(`${srv.url}/admin/nodes/n2/maintenance`, { method: 'POST' })).status).toBe(200);
    const reply = await request<PushReply>(client, 'push', { changes: [maker.put('s', 'a', { v: 1 }), maker.put('s', 'b', { v: 2 })] });
    expect(reply.results.map((r) => [r.status, r.degraded])).toEqual([
      ['ok', true],
      ['ok', true],
    ]);
    const metrics = await (await fetch(`${srv.url}/metrics`)).text();
    expect(metrics).toMatch(/syncline_degraded_acks_total\{[^}]*mode="sync"[^}]*\} 2/);
    client.close();
  });

  it('admin API needs the bearer token when one is configured', async () => {
    const srv = await start(['--admin-token', 's3cret']);
    expect((await fetch(`${srv.url}/admin/repair`, { method: 'POST' })).status).toBe(401);
    const bad = await fetch(`${srv.url}/admin/repair`, { method: 'POST', headers: { authorization: 'Bearer nope' } });
    expect(bad.status).toBe(401);
    const good = await fetch(`${srv.url}/admin/repair`, { method: 'POST', headers: { authorization: 'Bearer s3cret' } });
    expect(good.status).toBe(200);
  });
});
