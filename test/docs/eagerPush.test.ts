/**
 * Eager document pushes (client/src/engine/EagerPush.ts) against a real
 * server: an edit reaches a collaborator without waiting for the writer's
 * IndexedDB, is pushed once (not again by the outbox loop), and the outbox
 * still empties.
 */
import 'fake-indexeddb/auto';
import { afterEach, describe, expect, it } from 'vitest';
import { SocketIoTransport, type Transport } from '@syncline/client';
import type { SpawnedServer } from '../helpers/spawnServer.js';
import { openClient, startCluster, waitFor, type Client } from '../client/realCluster.js';

let servers: SpawnedServer[] = [];
let clients: Client[] = [];
let docs: { destroy(): Promise<void> }[] = [];
afterEach(async () => {
  for (const d of docs) await d.destroy().catch(() => undefined);
  docs = [];
  for (const c of clients) await c.close().catch(() => undefined);
  await Promise.all(servers.map((s) => s.kill('SIGKILL')));
  clients = [];
  servers = [];
});

/** The default transport, noting the op ids of every push it sends. */
function countingTransport(pushed: string[]): () => Transport {
  return () => {
    const t = new SocketIoTransport();
    const request = t.request.bind(t);
    t.request = ((event, payload, timeoutMs) => {
      if (event === 'push') for (const c of (payload as { changes: { opId: string }[] }).changes) pushed.push(c.opId);
      return request(event, payload, timeoutMs);
    }) as Transport['request'];
    return t;
  };
}

async function openPair(url: string, eager: boolean, pushed: string[]) {
  const engine = { pollIntervalMs: 200, pullIntervalMs: 60_000, maxEagerPushes: eager ? 8 : 0 };
  const writer = openClient([url], { spaces: ['space-1'], clientId: 'ann', transport: countingTransport(pushed), engine });
  const reader = openClient([url], { spaces: ['space-1'], clientId: 'bob', engine });
  clients.push(writer, reader);
  const w = writer.sync.doc('space-1', 'note');
  const r = reader.sync.doc('space-1', 'note');
  docs.push(w, r);
  await Promise.all([w.whenLoaded, r.whenLoaded]);
  for (const c of [writer, reader]) await waitFor(() => c.sync.getStatus().state === 'online', 10_000, 'online');
  // A first edit synced both ways: subscriptions are in place and op ids are reserved.
  w.doc.getText('t').insert(0, 'hello ');
  await waitFor(() => r.doc.getText('t').toString() === 'hello ', 10_000, 'first edit at the reader');
  // ...and stored by the writer: an edit made while a store is pending is not pushed eagerly, and the
  // relay (delivered in a microtask since DocChannel serves same-thread handles directly) can reach
  // the reader before the writer's own store of the first edit has finished.
  await waitFor(async () => (await writer.db.table('_outbox').count()) === 0, 10_000, 'first edit stored and acked');
  return { writer, w, r };
}

/** Holds a write transaction on the writer's `_meta` (which every outbox write needs) until released. */
function blockDatabase(c: Client): { release(): Promise<void> } {
  let go = false;
  const held = c.db.transaction('rw', '_meta', async () => {
    while (!go) await c.db.table('_meta').get('nothing');
  });
  return {
    async release() {
      go = true;
      await held;
    },
  };
}

describe('eager document pushes', () => {
  it('an edit reaches a collaborator while the writer cannot write IndexedDB, and is pushed exactly once', async () => {
    ({ servers } = await startCluster(1, ['--ack', 'semi-sync']));
    const pushed: string[] = [];
    const { writer, w, r } = await openPair(servers[0]!.url, true, pushed);
    const block = blockDatabase(writer);
    w.doc.getText('t').insert(6, 'world');
    // Mutation: maxEagerPushes 0 (the edit waits for its outbox row) fails here — see the next test.
    await waitFor(() => r.doc.getText('t').toString() === 'hello world', 5000, 'edit at the reader while the writer is blocked');
    await block.release();
    await waitFor(async () => (await writer.db.table('_outbox').count()) === 0, 10_000, 'writer outbox empty');
    await new Promise((res) => setTimeout(res, 300)); // a late duplicate push would show up here
    // Every op went out once: the loop did not send the eagerly pushed rows again.
    expect(pushed.length).toBeGreaterThanOrEqual(2);
    expect(new Set(pushed).size).toBe(pushed.length);
    expect(r.doc.getText('t').toString()).toBe(w.doc.getText('t').toString());
  });

  it('without eager pushes (maxEagerPushes 0) the same edit waits for the writer database (the test above can fail)', async () => {
    ({ servers } = await startCluster(1, ['--ack', 'semi-sync']));
    const pushed: string[] = [];
    const { writer, w, r } = await openPair(servers[0]!.url, false, pushed);
    const block = blockDatabase(writer);
    w.doc.getText('t').insert(6, 'world');
    await new Promise((res) => setTimeout(res, 1000));
    expect(r.doc.getText('t').toString()).toBe('hello ');
    await block.release();
    await waitFor(() => r.doc.getText('t').toString() === 'hello world', 10_000, 'edit at the reader after the release');
  });
});
