/**
 * Per-write ack modes against a real server: a client may ask for a mode per
 * push, and the operator's `--max-ack` caps it; the reply says which mode
 * was applied, and the applied mode's rule decides the outcome.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { PushReply } from '@syncline/shared';
import { spawnServer, type SpawnedServer } from '../helpers/spawnServer.js';
import { connectClient, request } from '../helpers/syncClient.js';
import { ChangeMaker } from '../helpers/changes.js';

let servers: SpawnedServer[] = [];
const sockets: { close(): void }[] = [];
afterEach(async () => {
  for (const s of sockets.splice(0)) s.close();
  await Promise.all(servers.map((s) => s.kill('SIGKILL')));
  servers = [];
});

describe('ack mode per write', () => {
  it('grants the requested mode, lowered to --max-ack, and applies its rule', async () => {
    const srv = await spawnServer({ args: ['--ack', 'async', '--max-ack', 'semi-sync'] });
    servers.push(srv);
    const c = await connectClient(srv.url, { clientId: 'pol' });
    sockets.push(c);
    const maker = new ChangeMaker('pol');
    const push = (ack?: string) =>
      request<PushReply>(c, 'push', { changes: [maker.put('s', `r${maker.nextOpId()}`, { v: 1 })], ...(ack ? { ack } : {}) });

    expect((await push()).ack).toBe('async');
    expect((await push('semi-sync')).ack).toBe('semi-sync');
    expect((await push('sync')).ack).toBe('semi-sync');

    // With one node out, semi-sync (primary + 1 of the 2 left) still acks; a capped sync request
    // is therefore ok too — it was never run as sync, and the reply says so.
    expect((await fetch(`${srv.url}/admin/nodes/n3/maintenance`, { method: 'POST' })).status).toBe(200);
    const capped = await push('sync');
    expect(capped.ack).toBe('semi-sync');
    expect(capped.results[0]!.status).toBe('ok');
  });

  it('without a cap a sync request is run as sync and rejected when a node is out', async () => {
    const srv = await spawnServer({ args: ['--ack', 'async'] });
    servers.push(srv);
    const c = await connectClient(srv.url, { clientId: 'nocap' });
    sockets.push(c);
    const maker = new ChangeMaker('nocap');
    expect((await fetch(`${srv.url}/admin/nodes/n3/maintenance`, { method: 'POST' })).status).toBe(200);
    const reply = await request<PushReply>(c, 'push', { changes: [maker.put('s', 'x', { v: 1 })], ack: 'sync' });
    expect(reply.ack).toBe('sync');
    expect(reply.results[0]).toMatchObject({ status: 'rejected', error: { code: 'NOT_ENOUGH_REPLICAS', retryable: true } });
  });
});
