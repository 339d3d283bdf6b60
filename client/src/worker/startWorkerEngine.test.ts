import 'fake-indexeddb/auto';
import { describe, expect, it } from 'vitest';
import { expose } from 'comlink';
import { fakeCluster, openApp, uniqueName, waitFor } from '../testing/harness.js';
import { createWorkerApi } from './createWorkerApi.js';

describe('engine in a Worker behind Comlink', () => {
  it('the main thread writes, the worker syncs them, remote data lands in the main db, status crosses over', async () => {
    const { network, store, urls } = fakeCluster(1);
    // A MessageChannel stands in for the Worker boundary: same Comlink protocol, same process.
    const { port1, port2 } = new MessageChannel();
    expose(createWorkerApi(network.transport), port1 as unknown as Parameters<typeof expose>[1]);
    const main = openApp(uniqueName('w'), { servers: urls, clientId: 'main', worker: () => port2 as never });
    const other = openApp(uniqueName('o'), { servers: urls, transport: network.transport, clientId: 'other' });
    await waitFor(() => main.sync.getStatus().state === 'online', 5000, 'status online via worker');
    expect(main.sync.getStatus().serverId).toBe('server-0');
    await main.db.cards.put({ id: 'm1', title: 'main' });
    await main.sync.flush({ timeoutMs: 5000 });
    expect(store.applied.get('main:1')).toBe(1);
    await waitFor(async () => (await other.db.cards.get('m1'))?.title === 'main', 5000, 'other sees m1');
    await other.db.cards.put({ id: 'o1', title: 'other' });
    await waitFor(async () => (await main.db.cards.get('o1'))?.title === 'other', 5000, 'main sees o1');
    // Applied by the worker's own Dexie (no middleware): nothing re-recorded in main's outbox.
    expect(await main.db.table('_outbox').count()).toBe(0);
    await main.sync.close();
    await other.sync.close();
    port1.close();
    port2.close();
  });
});
