/** A Syncline server in this process (MemoryNodes), for checks that need to look inside it. */
import { io as connect, type Socket } from 'socket.io-client';
import { createSynclineServer, type SynclineServer, type SynclineServerOptions } from '@syncline/server';
import { MemoryNode } from '../../../server/src/storage/MemoryNode.js';
import { Replicator } from '../../../server/src/replication/Replicator.js';

export async function startInProcess(opts: Partial<SynclineServerOptions> = {}): Promise<{ server: SynclineServer; url: string }> {
  const nodes = [new MemoryNode('m1'), new MemoryNode('m2')];
  for (const n of nodes) await n.open();
  const replicator = new Replicator(nodes, { mode: 'sync', healthIntervalMs: 50 });
  const server = createSynclineServer({ replicator, nodes, mode: 'sync', port: 0, ...opts });
  return { server, url: (await server.listen()).url };
}

export function socketTo(url: string, clientId: string, token?: string): Promise<Socket> {
  const s = connect(url, {
    transports: ['websocket'],
    reconnection: false,
    forceNew: true,
    auth: { clientId, protocol: 1, ...(token ? { token } : {}) },
  });
  return new Promise((resolve, reject) => {
    s.once('welcome', () => resolve(s));
    s.once('connect_error', (e) => {
      s.close();
      reject(e);
    });
  });
}
