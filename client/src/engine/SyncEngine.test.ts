import { describe, expect, it } from 'vitest';
import { fakeCluster, openApp, uniqueName, waitFor } from '../testing/harness.js';
import type { OutboxRow, StateRow } from '../db/rows.js';
import { materialize } from '@syncline/shared';

describe('SyncEngine over the in-memory transport', () => {
  it('two clients converge through a server; remote applies are not re-recorded', async () => {
    const { network, store, urls } = fakeCluster(1);
    const a = openApp(uniqueName('a'), { servers: urls, transport: network.transport, clientId: 'ca' });
    const b = openApp(uniqueName('b'), { servers: urls, transport: network.transport, clientId: 'cb' });
    await a.db.cards.put({ id: 'c1', title: 'from a' });
    await waitFor(async () => (await b.db.cards.get('c1'))?.title === 'from a', 5000, 'b sees c1');
    expect(await b.db.table('_outbox').count()).toBe(0);
    await b.db.cards.update('c1', { done: true });
    await waitFor(async () => (await a.db.cards.get('c1'))?.done === true, 5000, 'a sees done');
    await a.sync.flush();
    await b.sync.flush();
    expect(await a.db.cards.get('c1')).toEqual({ id: 'c1', space: undefined, title: 'from a', done: true });
    expect([...store.applied.values()].every((n) => n === 1)).toBe(true);
    await a.sync.close();
    await b.sync.close();
  });

  it('a pull never undoes a pending local change', async () => {
    const { network, servers, store, urls } = fakeCluster(1);
    const a = openApp(uniqueName('a'), { servers: urls, transport: network.transport, clientId: 'ca' });
    const b = openApp(uniqueName('b'), { servers: urls, transport: network.transport, clientId: 'cb' });
    await a.db.cards.put({ id: 'c1', title: 'v1', done: false });
    await a.sync.flush();
    await waitFor(async () => (await b.db.cards.get('c1'))?.title === 'v1');
    // Hold b's writes back so its change stays pending while a's older-stamped change is pulled.
    servers[0]!.fault = (ch) =>
      ch.opId.startsWith('cb:') ? { kind: 'reject', error: { code: 'RATE_LIMITED', message: 'later', retryable: true } } : undefined;
    await a.db.cards.update('c1', { title: 'a-edit' });
    await b.db.cards.update('c1', { done: true });
    await a.sync.flush();
    await waitFor(async () => (await b.db.cards.get('c1'))?.title === 'a-edit', 5000, 'b pulls a-edit');
    expect(await b.db.cards.get('c1')).toMatchObject({ title: 'a-edit', done: true });
    expect(b.sync.getStatus().pendingCount).toBeGreaterThanOrEqual(0);
    expect(await b.db.table('_outbox').where('status').equals('pending').count()).toBe(1);
    servers[0]!.fault = null;
    await b.sync.flush({ timeoutMs: 5000 });
    await waitFor(async () => (await a.db.cards.get('c1'))?.done === true);
    const key = JSON.stringify(['s1', 'cards', 'c1']);
    expect(materialize(store.records.get(key)!.state)).toMatchObject({ title: 'a-edit', done: true });
    await a.sync.close();
    await b.sync.close();
  });

  it('indeterminate ops are retried with the same op ids and applied exactly once', async () => {
    const { network, servers, store, urls } = fakeCluster(1);
    let faults = 0;
    servers[0]!.fault = () => (faults++ < 3 ? { kind: 'indeterminate', apply: faults % 2 === 1 } : undefined);
    const a = openApp(uniqueName('a'), { servers: urls, transport: network.transport, clientId: 'ca' });
    const errors: string[] = [];
    a.sync.subscribe((s) => s.lastError && errors.push(s.lastError.code));
    await a.db.cards.put({ id: 'c1', title: 'x' });
    await a.db.cards.put({ id: 'c2', title: 'y' });
    const opIds = (await a.db.table<OutboxRow>('_outbox').toArray()).map((r) => r.opId);
    await a.sync.flush({ timeoutMs: 5000 });
    const sent = servers[0]!.pushes.flatMap((p) => p.changes.map((c) => c.opId));
    expect(new Set(sent)).toEqual(new Set(opIds));
    expect(sent.length).toBeGreaterThan(opIds.length);
    expect(opIds.map((id) => store.applied.get(id))).toEqual([1, 1]);
    expect(errors).toContain('TIMEOUT');
    await a.sync.close();
  });

  it('a non-retryable rejection goes to _rejected, shows in status, and reverts the local record', async () => {
    const { network, servers, urls } = fakeCluster(1);
    const a = openApp(uniqueName('a'), { servers: urls, transport: network.transport, clientId: 'ca' });
    await a.db.cards.put({ id: 'c1', title: 'ok' });
    await a.sync.flush();
    servers[0]!.fault = (ch) =>
      ch.kind === 'put' && ch.fields.title === 'bad'
        ? { kind: 'reject', error: { code: 'FORBIDDEN', message: 'no role', retryable: false } }
        : undefined;
    await a.db.cards.update('c1', { title: 'bad' });
    await expect(a.sync.flush({ timeoutMs: 5000 })).rejects.toMatchObject({ code: 'FORBIDDEN' });
    await waitFor(() => a.sync.getStatus().rejectedCount === 1, 2000, 'status rejectedCount');
    expect(a.sync.getStatus().lastError?.code).toBe('FORBIDDEN');
    const dead = await a.sync.rejected();
    expect(dead).toHaveLength(1);
    expect(dead[0]).toMatchObject({ table: 'cards', id: 'c1', fields: { title: 'bad' }, error: { code: 'FORBIDDEN' } });
    expect(await a.db.cards.get('c1')).toMatchObject({ title: 'ok' });
    const st = await a.db.table<StateRow>('_state').get(['cards', 'c1']);
    expect(materialize(st!.state)).toMatchObject({ title: 'ok' });
    await a.sync.discardRejected([dead[0]!.opId]);
    expect(await a.sync.rejected()).toEqual([]);
    await a.sync.close();
  });

  it('flush levels: accepted resolves before replicated; replicated waits for the message', async () => {
    const { network, servers, urls } = fakeCluster(1);
    servers[0]!.holdReplication = true;
    const a = openApp(uniqueName('a'), { servers: urls, transport: network.transport, clientId: 'ca' });
    await a.sync.withAck({ until: 'replicated' }, ['cards'], () => a.db.cards.put({ id: 'c1', title: 'x' }));
    let replicated = false;
    const p = a.sync.flush({ until: 'replicated', timeoutMs: 5000 }).then(() => (replicated = true));
    await a.sync.flush({ until: 'accepted', timeoutMs: 5000 });
    await new Promise((r) => setTimeout(r, 100));
    expect(replicated).toBe(false);
    expect(await a.db.table<OutboxRow>('_outbox').toArray()).toMatchObject([{ id: 'c1', status: 'accepted' }]);
    expect(a.sync.getStatus().pendingCount).toBe(0);
    await expect(a.sync.flush({ until: 'replicated', timeoutMs: 200 })).rejects.toMatchObject({ code: 'TIMEOUT' });
    servers[0]!.releaseReplication();
    await p;
    expect(await a.db.table('_outbox').count()).toBe(0);
    // A plain write asked to flush until replicated is kept until the message arrives.
    servers[0]!.kill(); // keep c2 pending until flush has marked it
    await a.db.cards.put({ id: 'c2', title: 'y' });
    const q = a.sync.flush({ until: 'replicated', timeoutMs: 5000 });
    await waitFor(async () => (await a.db.table<OutboxRow>('_outbox').toArray()).every((r) => r.keep === 'replicated'), 2000, 'marked');
    servers[0]!.restart();
    await waitFor(async () => (await a.db.table('_outbox').where('status').equals('accepted').count()) === 1, 3000, 'c2 accepted');
    servers[0]!.releaseReplication();
    await q;
    await a.sync.close();
  });

  it('status reports pending count, oldest age and last pull', async () => {
    const { network, servers, urls } = fakeCluster(1);
    servers[0]!.kill();
    const a = openApp(uniqueName('a'), { servers: urls, transport: network.transport, clientId: 'ca' });
    await a.db.cards.bulkPut([{ id: '1' }, { id: '2' }, { id: '3' }]);
    await waitFor(() => a.sync.getStatus().pendingCount === 3, 2000, 'pending 3');
    await new Promise((r) => setTimeout(r, 30));
    const s = a.sync.getStatus();
    expect(s.state).not.toBe('online');
    expect(s.oldestPendingAgeMs).toBeGreaterThanOrEqual(20);
    expect(s.lastError).not.toBeNull();
    servers[0]!.restart();
    await waitFor(() => a.sync.getStatus().state === 'online', 3000, 'online');
    await a.sync.flush({ timeoutMs: 3000 });
    await waitFor(() => a.sync.getStatus().pendingCount === 0 && a.sync.getStatus().lastPullAt !== null, 2000);
    expect(a.sync.getStatus().oldestPendingAgeMs).toBeNull();
    await a.sync.close();
  });

  it('a space the client may not read shows FORBIDDEN in status and does not stop the others', async () => {
    const { network, servers, urls } = fakeCluster(1);
    servers[0]!.forbidden.add('secret');
    const a = openApp(uniqueName('a'), { servers: urls, transport: network.transport, clientId: 'ca', spaces: ['s1', 'secret'] });
    const b = openApp(uniqueName('b'), { servers: urls, transport: network.transport, clientId: 'cb' });
    await b.db.cards.put({ id: 'c1', title: 'visible' });
    await waitFor(async () => (await a.db.cards.get('c1'))?.title === 'visible', 3000, 'a pulls s1');
    expect(a.sync.getStatus()).toMatchObject({ state: 'online', lastError: { code: 'FORBIDDEN' } });
    await a.sync.close();
    await b.sync.close();
  });
});
