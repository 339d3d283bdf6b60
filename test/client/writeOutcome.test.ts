/**
 * Per-write outcomes through the public API only (`sync.write()` and the
 * status), against a real `syncline-server` process with three SQLite
 * nodes: one test per outcome — accepted, replicated, rejected (retryable,
 * then not), degraded, capped.
 *
 * Mutations caught (each made once, each failed its test):
 * - applyPushResults ignoring `PushReply.ack` (applied = asked): the capped
 *   test sees `applied: 'sync', capped: false, held: true`.
 * - applyPushResults ignoring `OpResult.degraded`: the degraded test sees
 *   `held: true` and `degradedAckCount` 0.
 * - applyReplicated not marking outcomes `replicated`: `w.replicated` of the
 *   async write never settles.
 */
import { describe, expect, it } from 'vitest';
import { spawnServer } from '../helpers/spawnServer.js';
import { openClient, useCleanup, waitFor } from './realCluster.js';

const live = useCleanup();

async function server(args: string[]) {
  const srv = await spawnServer({ args });
  live.servers.push(srv);
  return srv;
}

function client(url: string) {
  const c = openClient([url]);
  live.clients.push(c);
  return c;
}

const maintenance = async (url: string, node: string, on: boolean) =>
  expect((await fetch(`${url}/admin/nodes/${node}/maintenance`, { method: on ? 'POST' : 'DELETE' })).status).toBe(200);

describe('following a write to its outcome (sync.write)', () => {
  it('accepted: the asked mode held, with the applied mode named', async () => {
    const srv = await server(['--ack', 'async']);
    const a = client(srv.url);
    const w = await a.sync.write(() => a.db.items.put({ id: 'acc', v: 1 }), { ack: 'semi-sync' });
    expect(w.result).toBe('acc');
    expect(w.opIds).toHaveLength(1);
    const o = await w.accepted;
    expect(o).toMatchObject({ asked: 'semi-sync', applied: 'semi-sync', degraded: false, capped: false, held: true, error: null });
    expect(['accepted', 'replicated']).toContain(o.status);
  });

  it('replicated: an async write later reaches every node', async () => {
    const srv = await server(['--ack', 'async']);
    const a = client(srv.url);
    const w = await a.sync.write(() => a.db.items.put({ id: 'rep', v: 1 }), { ack: 'async' });
    expect((await w.accepted).applied).toBe('async');
    const o = await w.replicated;
    expect(o).toMatchObject({ status: 'replicated', held: true });
    expect((await w.outcome()).status).toBe('replicated');
    // Kept until replicated, then gone from the outbox.
    await waitFor(() => a.sync.getStatus().awaitingReplicationCount === 0, 15_000, 'outbox empty');
  });

  it('rejected, retryable: NOT_ENOUGH_REPLICAS shows as retrying and the write goes through once the node is back', async () => {
    const srv = await server(['--ack', 'sync', '--fallback', 'reject']);
    const a = client(srv.url);
    await maintenance(srv.url, 'n3', true);
    const w = await a.sync.write(() => a.db.items.put({ id: 'retry', v: 1 }), { ack: 'sync' });
    let settled = false;
    void w.accepted.finally(() => (settled = true));
    await waitFor(async () => (await w.outcome()).status === 'retrying', 15_000, 'retrying');
    const now = await w.outcome();
    expect(now.error).toMatchObject({ code: 'NOT_ENOUGH_REPLICAS', retryable: true });
    expect(settled).toBe(false);
    await maintenance(srv.url, 'n3', false);
    const o = await w.accepted;
    expect(o).toMatchObject({ applied: 'sync', held: true, error: null });
  });

  it('rejected, not retryable: accepted rejects with the typed code; the write is in rejected()', async () => {
    const srv = await server(['--max-record-bytes', '200']);
    const a = client(srv.url);
    const w = await a.sync.write(() => a.db.items.put({ id: 'big', text: 'x'.repeat(500) }));
    await expect(w.accepted).rejects.toMatchObject({ name: 'SyncError', code: 'PAYLOAD_TOO_LARGE', retryable: false });
    await expect(w.replicated).rejects.toMatchObject({ code: 'PAYLOAD_TOO_LARGE' });
    expect((await w.outcome()).status).toBe('rejected');
    expect((await a.sync.rejected()).map((r) => r.opId)).toEqual(w.opIds);
  });

  it('degraded: acked with fewer nodes under --fallback degrade is flagged, never the asked mode held; the status counts it', async () => {
    const srv = await server(['--ack', 'sync', '--fallback', 'degrade']);
    const a = client(srv.url);
    await maintenance(srv.url, 'n3', true);
    const w = await a.sync.write(() => a.db.items.put({ id: 'deg', v: 1 }), { ack: 'sync', until: 'accepted' });
    const o = await w.accepted;
    expect(o).toMatchObject({ asked: 'sync', applied: 'sync', degraded: true, capped: false, held: false });
    await waitFor(() => a.sync.getStatus().degradedAckCount === 1, 10_000, 'degraded counted');
    expect(a.sync.getStatus().cappedAckCount).toBe(0);
  });

  it('capped: a sync write on a --max-ack async server is flagged with the mode applied; the status counts it', async () => {
    const srv = await server(['--ack', 'async', '--max-ack', 'async']);
    const a = client(srv.url);
    const w = await a.sync.write(() => a.db.items.put({ id: 'cap', v: 1 }), { ack: 'sync', until: 'accepted' });
    const o = await w.accepted;
    expect(o).toMatchObject({ asked: 'sync', applied: 'async', capped: true, held: false });
    // A write that asked for nothing (the server default) is not capped.
    const plain = await a.sync.write(() => a.db.items.put({ id: 'plain', v: 1 }), { until: 'accepted' });
    expect(await plain.accepted).toMatchObject({ asked: null, applied: 'async', capped: false, held: true });
    await waitFor(() => a.sync.getStatus().cappedAckCount === 1, 10_000, 'capped counted');
    expect(a.sync.getStatus().degradedAckCount).toBe(0);
  });
});
