import 'fake-indexeddb/auto';
import { describe, expect, it } from 'vitest';
import { Dexie } from 'dexie';
import { synclineStores } from '../db/internalStores.js';
import { PushPipeline } from './PushPipeline.js';
import type { Transport } from './Transport.js';
import { SyncError, type Change } from '@syncline/shared';
import { fakeCluster, openApp, uniqueName, waitFor } from '../testing/harness.js';

describe('PushPipeline', () => {
  // Mutation checked: with `this.oneByOne = true` removed from PushPipeline.send, the good
  // writes are re-sent with the bad one for good and never acked (this test times out).
  it('a batch refused as a whole is re-sent one op at a time: only the culprit is dead-lettered', async () => {
    const { network, store, urls } = fakeCluster(1);
    const sizes: number[] = [];
    const transport = () => {
      const t = network.transport();
      const request = t.request.bind(t);
      t.request = ((event: string, payload: { changes?: Change[] }, timeoutMs: number) => {
        if (event === 'push') {
          sizes.push(payload.changes!.length);
          if (payload.changes!.some((c) => c.kind === 'put' && c.id === 'bad')) {
            return Promise.reject(new SyncError('INVALID_MESSAGE', 'refused as a whole'));
          }
        }
        return request(event as never, payload as never, timeoutMs);
      }) as typeof t.request;
      return t;
    };
    const a = openApp(uniqueName('a'), { servers: urls, transport, clientId: 'ca' });
    await a.db.open();
    await a.db.transaction('rw', a.db.cards, async () => {
      await a.db.cards.put({ id: 'c1', title: 'one' });
      await a.db.cards.put({ id: 'bad', title: 'x' });
      await a.db.cards.put({ id: 'c2', title: 'two' });
    });
    await waitFor(async () => (await a.sync.rejected()).length === 1, 5000, 'the culprit dead-lettered');
    await a.sync.flush({ timeoutMs: 5000 });
    expect((await a.sync.rejected()).map((r) => r.id)).toEqual(['bad']);
    expect(sizes[0]).toBeGreaterThan(1);
    expect(sizes.slice(1).every((n) => n === 1)).toBe(true);
    const ids = [...store.records.keys()].map((k) => (JSON.parse(k) as string[])[2]).sort();
    expect(ids).toEqual(['c1', 'c2']);
    await a.sync.close();
  });

  // Mutation checked: clearing `due` after an empty read regardless of kicks (the old code)
  // leaves the pipeline idle with the kicked rows unsent until the next poll: ready() is false.
  it('a kick that arrives while the outbox is being read keeps the push due', async () => {
    const db = new Dexie(uniqueName('kick'));
    db.version(1).stores({ ...synclineStores });
    await db.open();
    const pipe = new PushPipeline({
      db,
      t: {} as Transport,
      opts: {},
      serverMaxBatch: undefined,
      timeoutMs: 1000,
      replicatedSeen: new Set(),
      mustYield: () => false,
      onPushed: () => undefined,
    });
    expect(await pipe.pushOnce(4)).toBe(0); // nothing queued: no longer due
    expect(pipe.ready()).toBe(false);
    pipe.kick();
    const reading = pipe.pushOnce(4); // reads an outbox that does not hold the new rows yet…
    pipe.kick(); // …while their kick arrives
    expect(await reading).toBe(0);
    expect(pipe.ready()).toBe(true);
    db.close();
  });
});
