import { describe, expect, it } from 'vitest';
import { decodeHlc, encodeHlc, materialize } from '@syncline/shared';
import { fakeCluster, openApp, uniqueName, waitFor } from '../testing/harness.js';
import type { OutboxRow, StateRow } from '../db/rows.js';

describe('clocks', () => {
  it('remote stamps are observed: the next local write sorts after them', async () => {
    const { network, urls } = fakeCluster(1);
    const ahead = encodeHlc({ ms: Date.now() + 3_600_000, counter: 5, node: 'fast' });
    const b = openApp(uniqueName('b'), { servers: urls, transport: network.transport, clientId: 'cb' });
    const a = openApp(uniqueName('a'), { servers: urls, transport: network.transport, clientId: 'ca' });
    // b's clock is an hour ahead (the fake server does not bound skew).
    await b.db.transaction('rw', b.db.table('_meta'), () => b.db.table('_meta').put({ key: 'hlc', value: ahead }));
    await b.db.cards.put({ id: 'c1', title: 'b' });
    await b.sync.flush();
    await waitFor(async () => (await a.db.cards.get('c1'))?.title === 'b', 3000);
    await a.db.cards.update('c1', { title: 'a later' });
    const [row] = await a.db.table<OutboxRow>('_outbox').toArray();
    expect(row!.hlc > ahead).toBe(true);
    expect(decodeHlc(row!.hlc).node).toBe('ca');
    await a.sync.flush();
    await waitFor(async () => (await b.db.cards.get('c1'))?.title === 'a later', 3000);
    await a.sync.close();
    await b.sync.close();
  });

  it('a server re-stamp (OpResult.hlc) replaces the local stamp in _state', async () => {
    const { network, servers, store, urls } = fakeCluster(1);
    const serverStamp = encodeHlc({ ms: 1000, counter: 0, node: 'server-0' });
    servers[0]!.restamp = () => serverStamp;
    const a = openApp(uniqueName('a'), { servers: urls, transport: network.transport, clientId: 'ca' });
    await a.db.cards.put({ id: 'c1', title: 'x' });
    await a.sync.flush();
    const st = await a.db.table<StateRow>('_state').get(['cards', 'c1']);
    expect(st!.state.fields.title).toEqual({ t: serverStamp, v: 'x' });
    expect(st!.server.fields.title).toEqual({ t: serverStamp, v: 'x' });
    expect(materialize(st!.state)).toMatchObject({ title: 'x' });
    expect(store.records.get(JSON.stringify(['s1', 'cards', 'c1']))!.state.fields.title!.t).toBe(serverStamp);
    await a.sync.close();
  });
});
