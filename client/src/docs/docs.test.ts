import 'fake-indexeddb/auto';
import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { MemoryNetwork } from '../engine/MemoryTransport.js';
import { FakeStore } from '../testing/FakeStore.js';
import type { FakeServer } from '../testing/FakeServer.js';
import { openApp, uniqueName, waitFor } from '../testing/harness.js';
import { FakeDocLog, FakeDocServer } from './testing/FakeDocServer.js';

function docCluster() {
  const network = new MemoryNetwork();
  const log = new FakeDocLog();
  const peers: FakeServer[] = [];
  const server = new FakeDocServer('server-0', new FakeStore(), log, peers);
  network.listen('mem://a', server);
  return { network, log, server, urls: ['mem://a'] };
}

const counter = async (db: { table(n: string): { get(k: string): Promise<{ value?: unknown } | undefined> } }) =>
  (await db.table('_meta').get('opCounter'))?.value ?? 0;

describe('sync.doc', () => {
  it('persists local edits in IndexedDB and loads them on reopen, with each edit queued in the outbox', async () => {
    const name = uniqueName('doc');
    // No server reachable: everything here happens offline.
    const a = openApp(name, { servers: ['mem://nowhere'], transport: new MemoryNetwork().transport, clientId: 'a' });
    const h = a.sync.doc('s1', 'note');
    await h.whenLoaded;
    h.doc.getText('t').insert(0, 'hello');
    h.doc.getText('t').insert(5, ' world');
    await h.destroy();
    const outbox = await a.db.table('_outbox').toArray();
    expect(outbox.length).toBeGreaterThanOrEqual(1);
    expect(outbox.every((r) => r.kind === 'yjs' && r.id === 'note' && r.table === '_docs' && r.opId.startsWith('a:'))).toBe(true);
    await a.sync.close();
    a.db.close();

    const again = openApp(name, { servers: ['mem://nowhere'], transport: new MemoryNetwork().transport });
    const h2 = again.sync.doc('s1', 'note');
    await h2.whenLoaded;
    expect(h2.doc.getText('t').toString()).toBe('hello world');
    await h2.destroy();
    await again.sync.close();
  });

  it('offline edits on both sides sync, converge, and remote updates are never recorded again', async () => {
    const { network, log, server, urls } = docCluster();
    const a = openApp(uniqueName('a'), { servers: urls, transport: network.transport, clientId: 'a' });
    const b = openApp(uniqueName('b'), { servers: urls, transport: network.transport, clientId: 'b' });
    const ha = a.sync.doc('s1', 'note');
    const hb = b.sync.doc('s1', 'note');
    await Promise.all([ha.whenLoaded, hb.whenLoaded]);
    ha.doc.getText('t').insert(0, 'alpha ');
    await waitFor(() => hb.doc.getText('t').toString() === 'alpha ', 5000, 'b sees alpha');

    server.kill();
    ha.doc.getText('t').insert(0, 'A-offline ');
    hb.doc.getText('t').insert(hb.doc.getText('t').length, 'B-offline');
    await new Promise((r) => setTimeout(r, 100));
    const countersBefore = [await counter(a.db), await counter(b.db)];
    server.restart();
    await waitFor(
      () => ha.doc.getText('t').toString() === hb.doc.getText('t').toString() && hb.doc.getText('t').toString().includes('A-offline'),
      5000,
      'converged',
    );
    const text = ha.doc.getText('t').toString();
    expect(text).toContain('A-offline');
    expect(text).toContain('B-offline');
    expect(text).toContain('alpha');
    await a.sync.flush({ timeoutMs: 5000 });
    await b.sync.flush({ timeoutMs: 5000 });
    // Applying the other side's updates made no op: counters are where the local edits left them.
    expect([await counter(a.db), await counter(b.db)]).toEqual(countersBefore);
    expect(await a.db.table('_outbox').count()).toBe(0);
    expect([...log.opIds.keys()].every((id) => id.startsWith('a:') || id.startsWith('b:'))).toBe(true);
    // The server log rebuilds the same document.
    const fresh = new Y.Doc();
    for (const r of log.rows) Y.applyUpdate(fresh, r.update);
    expect(fresh.getText('t').toString()).toBe(text);
    await Promise.all([ha.destroy(), hb.destroy(), a.sync.close(), b.sync.close()]);
  });

  it('relays awareness between clients while online and drops peers when the connection goes', async () => {
    const { network, server, urls } = docCluster();
    const a = openApp(uniqueName('a'), { servers: urls, transport: network.transport, clientId: 'a' });
    const b = openApp(uniqueName('b'), { servers: urls, transport: network.transport, clientId: 'b' });
    const ha = a.sync.doc('s1', 'note');
    const hb = b.sync.doc('s1', 'note');
    await waitFor(() => a.sync.getStatus().state === 'online' && b.sync.getStatus().state === 'online', 5000, 'online');
    await new Promise((r) => setTimeout(r, 100)); // both subscribed
    ha.awareness.setLocalStateField('user', { name: 'Ann' });
    hb.awareness.setLocalStateField('user', { name: 'Bob' });
    const names = (h: typeof ha) => [...h.awareness.getStates().values()].map((s) => (s.user as { name: string } | undefined)?.name).sort();
    await waitFor(() => names(ha).join() === 'Ann,Bob' && names(hb).join() === 'Ann,Bob', 5000, 'both see both');
    server.kill();
    await waitFor(() => names(ha).join() === 'Ann', 5000, 'a drops b when offline');
    await Promise.all([ha.destroy(), hb.destroy(), a.sync.close(), b.sync.close()]);
  });
});
