/**
 * Reconnecting through the transport's probe (SyncEngine `reachable`): while
 * the server is down, retries ask the cheap probe instead of connecting —
 * browsers throttle new WebSockets after failed ones, so failed connects
 * delay the one that finally succeeds.
 */
import { describe, expect, it } from 'vitest';
import { fakeCluster, openApp, uniqueName, waitFor } from '../testing/harness.js';
import type { Transport } from './Transport.js';

function probed(network: ReturnType<typeof fakeCluster>['network'], works: () => boolean) {
  const seen = { connects: 0, probes: 0 };
  const transport = (): Transport => {
    const t = network.transport();
    const connect = t.connect.bind(t);
    t.connect = (...a) => {
      seen.connects++;
      return connect(...a);
    };
    t.probe = async (url) => {
      seen.probes++;
      return works() && network.servers.get(url)!.up;
    };
    return t;
  };
  return { seen, transport };
}

describe('reconnect probe', () => {
  // Mutation checked: with `reachable` answering true without asking the probe, every retry connects and
  // this test fails (no retry ever probes: 'retries while down' times out); with `reachable` ending in
  // `return false` (an unproven probe trusted), the second test fails ('an attempt let through' times out).
  it('a proven probe keeps retries from connecting while the server is down; it reconnects once up', async () => {
    const { network, servers, urls } = fakeCluster(1);
    const server = servers[0]!;
    const { seen, transport } = probed(network, () => true);
    const a = openApp(uniqueName('probe'), { servers: urls, transport, clientId: 'ca', engine: { backoff: { baseMs: 5, maxMs: 10 } } });
    await a.db.open();
    await a.db.cards.put({ id: 'c1', title: 'v1' });
    await a.sync.flush({ timeoutMs: 5000 });
    // The probe was asked once while connected, and answered: it is proven at this server.
    await waitFor(() => seen.probes === 1, 2000, 'the probe learned while connected');
    const connected = seen.connects;
    server.kill();
    await waitFor(() => seen.probes >= 30, 5000, 'retries while down');
    expect(seen.connects).toBe(connected);
    await a.db.cards.put({ id: 'c2', title: 'v2' });
    server.restart();
    await a.sync.flush({ timeoutMs: 5000 });
    expect(seen.connects).toBe(connected + 1);
    await a.sync.close();
  });

  it('an unproven probe still lets an attempt connect now and then, so a blocked probe does not keep the client off', async () => {
    const { network, servers, urls } = fakeCluster(1);
    const server = servers[0]!;
    server.up = false;
    // A probe that never answers (e.g. blocked by a CSP that allows only the WebSocket).
    const { seen, transport } = probed(network, () => false);
    const a = openApp(uniqueName('blocked'), { servers: urls, transport, clientId: 'cb', engine: { backoff: { baseMs: 5, maxMs: 10 } } });
    await a.db.open();
    await a.db.cards.put({ id: 'c1', title: 'v1' });
    // The first attempt (no failure yet) connects without asking; later ones only after 4 refusals and
    // 2 s (at least; 4 backoff caps are 40 ms here) since the last connect.
    await waitFor(() => seen.connects >= 2, 5000, 'an attempt let through');
    expect(seen.probes).toBeGreaterThanOrEqual(4);
    expect(seen.connects).toBeLessThanOrEqual(1 + Math.floor(seen.probes / 4));
    server.restart();
    await a.sync.flush({ timeoutMs: 5000 });
    await a.sync.close();
  });

  // Mutation checked: without the `probe === false` check in `reachable`, the probe (which says up) gates every
  // retry: 'retries connect while down' times out.
  it('engine.probe false: no probe is asked, every retry connects', async () => {
    const { network, servers, urls } = fakeCluster(1);
    const server = servers[0]!;
    const { seen, transport } = probed(network, () => true);
    const a = openApp(uniqueName('noprobe'), {
      servers: urls,
      transport,
      clientId: 'cn',
      engine: { backoff: { baseMs: 5, maxMs: 10 }, probe: false },
    });
    await a.db.open();
    await a.db.cards.put({ id: 'c1', title: 'v1' });
    await a.sync.flush({ timeoutMs: 5000 });
    const connected = seen.connects;
    server.kill();
    await waitFor(() => seen.connects >= connected + 5, 5000, 'retries connect while down');
    await a.db.cards.put({ id: 'c2', title: 'v2' });
    server.restart();
    await a.sync.flush({ timeoutMs: 5000 });
    expect(seen.probes).toBe(0);
    await a.sync.close();
  });

  // Mutation checked: gating on any failure (`failures > 0`) probes server-1 before the failover's
  // connect (expected 3 to be 2).
  it('a failover to the next server connects at once, without a probe', async () => {
    const { network, servers, urls } = fakeCluster(2);
    const { seen, transport } = probed(network, () => true);
    const a = openApp(uniqueName('failover'), { servers: urls, transport, clientId: 'ce', engine: { backoff: { baseMs: 5, maxMs: 10 } } });
    await a.db.open();
    await a.db.cards.put({ id: 'c1', title: 'v1' });
    await a.sync.flush({ timeoutMs: 5000 });
    servers[0]!.kill();
    await a.db.cards.put({ id: 'c2', title: 'v2' });
    await a.sync.flush({ timeoutMs: 5000 });
    expect(a.sync.getStatus().server).toBe(urls[1]);
    // One probe per server, each asked once while connected there (learning whether it works).
    await waitFor(() => seen.probes >= 2, 2000, 'the probes learned while connected');
    await new Promise((r) => setTimeout(r, 50));
    expect(seen.probes).toBe(2);
    await a.sync.close();
  });
});
