import 'fake-indexeddb/auto';
import { afterEach, describe, expect, it } from 'vitest';
import { electLeader } from './electLeader.js';
import { fakeCluster, openApp, uniqueName, waitFor } from '../testing/harness.js';

/** A minimal in-process Web Locks: exclusive, FIFO. */
function fakeLocks() {
  const queues = new Map<string, (() => void)[]>();
  const held = new Set<string>();
  return {
    request(name: string, cb: () => Promise<void>): Promise<void> {
      return new Promise<void>((resolve) => {
        const run = () => {
          held.add(name);
          void cb().then(() => {
            held.delete(name);
            queues.get(name)?.shift()?.();
            resolve();
          });
        };
        if (held.has(name)) (queues.get(name) ?? queues.set(name, []).get(name)!).push(run);
        else run();
      });
    },
  };
}

afterEach(() => {
  Reflect.deleteProperty(globalThis, 'navigator');
});

describe('leader election', () => {
  it('Web Locks: one leader; the next waiting tab takes over when it leaves', async () => {
    Object.defineProperty(globalThis, 'navigator', { value: { locks: fakeLocks() }, configurable: true });
    const states: boolean[][] = [[], []];
    const e1 = electLeader('db', (v) => states[0]!.push(v));
    const e2 = electLeader('db', (v) => states[1]!.push(v));
    await waitFor(() => states[0]!.length === 1);
    expect(states).toEqual([[true], []]);
    e1.close();
    await waitFor(() => states[1]!.length === 1);
    expect(states).toEqual([[true, false], [true]]);
    e2.close();
  });

  it('fallback heartbeat: exactly one tab syncs, it pushes the other tabs writes, and another takes over within a second', async () => {
    const { network, store, urls } = fakeCluster(1);
    const name = uniqueName('tabs');
    const election = { noWebLocks: true, heartbeatMs: 50, timeoutMs: 300 };
    const tab1 = openApp(name, { servers: urls, transport: network.transport, leaderElection: election });
    await waitFor(() => tab1.sync.getStatus().leader, 3000, 'tab1 leads');
    const tab2 = openApp(name, { servers: urls, transport: network.transport, leaderElection: election });
    await tab2.db.open();
    await new Promise((r) => setTimeout(r, 500));
    expect([tab1.sync.getStatus().leader, tab2.sync.getStatus().leader]).toEqual([true, false]);
    // A write in the follower tab is pushed by the leader.
    await tab2.db.cards.put({ id: 'f1', title: 'from follower' });
    await tab2.sync.flush({ timeoutMs: 3000 });
    expect(store.records.size).toBe(1);
    // The follower sees the leader's connection state.
    await waitFor(() => tab2.sync.getStatus().state === 'online', 3000, 'follower sees online');
    await tab1.sync.close();
    const t0 = Date.now();
    await waitFor(() => tab2.sync.getStatus().leader, 2000, 'tab2 takes over');
    expect(Date.now() - t0).toBeLessThan(1000);
    await tab2.db.cards.put({ id: 'f2', title: 'after takeover' });
    await tab2.sync.flush({ timeoutMs: 3000 });
    expect(store.records.size).toBe(2);
    await tab2.sync.close();
  });
});
