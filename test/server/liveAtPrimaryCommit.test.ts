/**
 * Live delivery starts at the primary commit (DESIGN §4), not at the
 * writer's ack: with one replica hanging, a `sync` write cannot be acked,
 * yet a subscriber already receives the committed row — a pull would
 * return it too, since pulls read the primary.
 *
 * Mutation: starting deliveries after the reply only (LiveDelivery without
 * the replicator's onPrimaryCommit) makes the row wait for the ack, and the
 * first assertion times out.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { Socket } from 'socket.io-client';
import type { ChangesMessage, PushReply } from '@syncline/shared';
import { createSynclineServer, type SynclineServer } from '@syncline/server';
import { Replicator } from '../../server/src/replication/Replicator.js';
import { sqliteCluster, type SqliteCluster } from '../../server/src/testing/sqliteCluster.js';
import { connectClient, request } from '../helpers/syncClient.js';
import { ChangeMaker } from '../helpers/changes.js';
import { waitFor } from '../helpers/wait.js';

let cluster: SqliteCluster | undefined;
let server: SynclineServer | undefined;
const sockets: Socket[] = [];
afterEach(async () => {
  for (const s of sockets.splice(0)) s.close();
  cluster?.nodes.forEach((n) => n.heal());
  await server?.drain();
  server = undefined;
  await cluster?.cleanup();
});

describe('live delivery at the primary commit', () => {
  it('a subscriber receives a committed row while the sync write still waits for a hung replica', async () => {
    cluster = await sqliteCluster(3);
    const replicator = new Replicator(cluster.nodes, { mode: 'sync', healthIntervalMs: 60_000, writeTimeoutMs: 20_000 });
    server = createSynclineServer({ replicator, nodes: cluster.nodes, mode: 'sync', port: 0 });
    const { url } = await server.listen();
    const writer = await connectClient(url, { clientId: 'w1' });
    const reader = await connectClient(url, { clientId: 'r1' });
    sockets.push(writer, reader);
    const maker = new ChangeMaker('w1');
    await request(reader, 'subscribe', { spaces: ['s'] });
    // The space's first write teaches its tail the tip (and pokes); later ones are delivered as rows.
    await request<PushReply>(writer, 'push', { changes: [maker.put('s', 'warm', { n: 0 })] });

    const got: ChangesMessage[] = [];
    reader.on('changes', (m: ChangesMessage) => got.push(m));
    const primary = replicator.health().find((h) => h.primary)!.id;
    const replica = cluster.nodes.find((n) => n.id !== primary)!;
    replica.hang();
    let replied = false;
    const push = request<PushReply>(writer, 'push', { changes: [maker.put('s', 'r1', { n: 1 })] }, 20_000).then((r) => {
      replied = true;
      return r;
    });
    await waitFor(() => got.some((m) => m.records.some((r) => r.id === 'r1')), 5000, 'the row at the subscriber before the ack');
    expect(replied).toBe(false);
    replica.release();
    const reply = await push;
    expect(reply.results[0]!.status).toBe('ok');
    expect(reply.results[0]!.replicated).toBe(true);
  });
});
