import 'fake-indexeddb/auto';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { Dexie } from 'dexie';
import { SyncError } from '@syncline/shared';
import { fakeCluster, openApp, uniqueName, waitFor } from '../testing/harness.js';
import { backoffDelay } from './backoff.js';
import { ServerRotation } from './ServerRotation.js';
import { SyncEngine } from './SyncEngine.js';
import type { Transport } from './Transport.js';
import { synclineStores } from '../db/internalStores.js';

afterEach(() => {
  vi.useRealTimers();
});

describe('backoff and rotation', () => {
  it('backoff is exponential, capped and jittered within [d/2, d]', () => {
    const opts = { baseMs: 100, maxMs: 1000 };
    expect([0, 1, 2, 3, 4, 10].map((n) => backoffDelay(n, opts, () => 1))).toEqual([100, 200, 400, 800, 1000, 1000]);
    expect([0, 1, 2].map((n) => backoffDelay(n, opts, () => 0))).toEqual([50, 100, 200]);
  });

  it('rotation backs off once per failed round, never between servers of a round', () => {
    const r = new ServerRotation(['a', 'b', 'c']);
    const seq = () => [r.current(), r.fail()];
    // Round 1: a, b, c back to back, then step 0; round 2: again all three, then step 1.
    expect([...seq(), ...seq(), ...seq()]).toEqual(['a', -1, 'b', -1, 'c', 0]);
    expect([...seq(), ...seq(), ...seq()]).toEqual(['a', -1, 'b', -1, 'c', 1]);
    expect(r.failures).toBe(6);
    r.succeeded();
    r.skip();
    expect(r.current()).toBe('b');
    expect(r.fail()).toBe(-1);
  });

  it('after a success, a server not tried since is tried at once, whichever failed before', () => {
    // Mutation caught: counting consecutive failures instead of servers tried in the round
    // (the previous code) makes the third fail() below return 1: a wait before the healthy server.
    const r = new ServerRotation(['dead', 'healthy']);
    expect([r.fail(), r.fail()]).toEqual([-1, 0]); // both failed: one wait
    expect(r.current()).toBe('dead');
    expect(r.fail()).toBe(-1); // a new round: the dead one costs no delay before 'healthy'
    expect(r.current()).toBe('healthy');
    r.succeeded();
    expect(r.fail()).toBe(-1); // healthy dropped us: 'dead' at once …
    expect(r.fail()).toBe(0); // … and only when both failed, the first step again
  });

  it('the engine rotates through servers with jittered exponential backoff (fake timers)', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'Date'] });
    const db = new Dexie(uniqueName('bo'));
    db.version(1).stores({ cards: 'id', ...synclineStores });
    await db.open();
    const attempts: { url: string; at: number }[] = [];
    const failing = (): Transport => ({
      connect: async (url) => {
        attempts.push({ url, at: Date.now() });
        throw new SyncError('INTERNAL', 'refused');
      },
      request: async () => Promise.reject(new Error('never')),
      on: () => () => {},
      onClose: () => {},
      close: () => {},
    });
    const engine = new SyncEngine({
      db,
      tables: ['cards'],
      servers: ['u1', 'u2'],
      transport: failing,
      backoff: { baseMs: 100, maxMs: 400 },
      random: () => 1,
    });
    const t0 = Date.now();
    engine.start();
    for (let i = 0; i < 40 && attempts.length < 8; i++) await vi.advanceTimersByTimeAsync(50);
    await engine.stop();
    db.close();
    const rel = attempts.slice(0, 8).map((a) => [a.url, a.at - t0]);
    // Each round back to back; between rounds waits of 100, 200, 400 (capped).
    expect(rel.map((r) => r[0])).toEqual(['u1', 'u2', 'u1', 'u2', 'u1', 'u2', 'u1', 'u2']);
    const gaps = rel.slice(1).map((r, i) => (r[1] as number) - (rel[i]![1] as number));
    expect(gaps.map((g) => Math.round(g / 50) * 50)).toEqual([0, 100, 0, 200, 0, 400, 0]);
    expect(engine.status.get().lastError?.code).toBe('INTERNAL');
  });
});

describe('failover between servers', () => {
  it('a killed server makes the client move to the next one; nothing lost or duplicated', async () => {
    const { network, servers, store, urls } = fakeCluster(2);
    const a = openApp(uniqueName('a'), { servers: urls, transport: network.transport, clientId: 'ca' });
    const seen: string[] = [];
    a.sync.subscribe((s) => {
      if (s.state === 'online' && s.server && seen.at(-1) !== s.server) seen.push(s.server);
    });
    await waitFor(() => a.sync.getStatus().server === urls[0] && a.sync.getStatus().state === 'online');
    for (let i = 0; i < 50; i++) {
      await a.db.cards.put({ id: `c${i}`, title: String(i) });
      if (i === 20) servers[0]!.kill();
    }
    await a.sync.flush({ timeoutMs: 5000 });
    expect(a.sync.getStatus().server).toBe(urls[1]);
    expect(seen).toEqual([urls[0], urls[1]]);
    expect(store.records.size).toBe(50);
    expect([...store.applied.values()].every((n) => n === 1)).toBe(true);
    await a.sync.close();
  });

  it('drain moves to the next server at once and re-pulls there', async () => {
    const { network, servers, urls } = fakeCluster(2);
    const a = openApp(uniqueName('a'), {
      servers: urls,
      transport: network.transport,
      clientId: 'ca',
      engine: { backoff: { baseMs: 5000, maxMs: 5000 }, pollIntervalMs: 100 },
    });
    const b = openApp(uniqueName('b'), { servers: [urls[1]!], transport: network.transport, clientId: 'cb' });
    await waitFor(() => a.sync.getStatus().state === 'online');
    servers[0]!.drain();
    const t0 = Date.now();
    await waitFor(() => a.sync.getStatus().state === 'online' && a.sync.getStatus().server === urls[1], 2000, 'moved');
    expect(Date.now() - t0).toBeLessThan(1000);
    await b.db.cards.put({ id: 'x', title: 'from b' });
    await waitFor(async () => (await a.db.cards.get('x'))?.title === 'from b', 3000);
    await a.sync.close();
    await b.sync.close();
  });

  it('a handshake rejected by the server shows in status and is retried', async () => {
    const { network, urls } = fakeCluster(1);
    let tries = 0;
    const bad = (): Transport => {
      const t = network.transport();
      t.connect = async () => {
        tries += 1;
        throw new SyncError('UNAUTHORIZED', 'bad token');
      };
      return t;
    };
    const a = openApp(uniqueName('a'), { servers: urls, transport: bad });
    await waitFor(() => a.sync.getStatus().lastError?.code === 'UNAUTHORIZED' && tries >= 3, 2000);
    expect(a.sync.getStatus().state).not.toBe('online');
    await a.sync.close();
  });
});
