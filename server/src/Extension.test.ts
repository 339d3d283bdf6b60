/**
 * The extension point, in process: a real Replicator over MemoryNodes behind
 * createSynclineServer, with hooks that authenticate by token, authorize per
 * space and veto writes.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { io as connect, type Socket } from 'socket.io-client';
import { Hlc, SyncError, type PushReply, type ErrorReply } from '@syncline/shared';
import { MemoryNode } from './storage/MemoryNode.js';
import { Replicator } from './replication/Replicator.js';
import { createSynclineServer, type SynclineServer } from './SynclineServer.js';
import type { Extension } from './Extension.js';

let server: SynclineServer | undefined;
const sockets: Socket[] = [];
afterEach(async () => {
  for (const s of sockets.splice(0)) s.close();
  await server?.drain();
});

const auth: Extension = {
  name: 'test-auth',
  onAuthenticate({ handshake }) {
    if (handshake.token !== 'alice-token') throw new SyncError('UNAUTHORIZED', 'bad token');
    return { user: 'alice' };
  },
  onAuthorize({ ctx, space, action }) {
    if (ctx.data.user !== 'alice') throw new Error('no user');
    if (space === 'secret') throw new SyncError('FORBIDDEN', 'no role in secret');
    if (space === 'readonly' && action === 'write') throw new Error('viewer'); // no code: still FORBIDDEN
  },
};
const calls: string[] = [];
const audit: Extension = {
  priority: 200,
  beforeWrite({ changes }) {
    calls.push(`audit:${changes.length}`);
    if (changes.some((c) => c.space === 'frozen')) throw new SyncError('FORBIDDEN', 'space frozen');
  },
};

async function start(): Promise<string> {
  const nodes = [new MemoryNode('m1'), new MemoryNode('m2')];
  for (const n of nodes) await n.open();
  const replicator = new Replicator(nodes, { mode: 'sync', healthIntervalMs: 50 });
  server = createSynclineServer({ replicator, nodes, mode: 'sync', port: 0, extensions: [audit, auth] });
  return (await server.listen()).url;
}

function client(url: string, token: string): Promise<Socket> {
  const s = connect(url, { transports: ['websocket'], reconnection: false, forceNew: true, auth: { clientId: 'x', protocol: 1, token } });
  sockets.push(s);
  return new Promise((resolve, reject) => {
    s.once('welcome', () => resolve(s));
    s.once('connect_error', reject);
  });
}

const put = (space: string, n: number) => ({
  kind: 'put',
  opId: `x:${n}`,
  space,
  table: 't',
  id: String(n),
  hlc: new Hlc('x').now(),
  fields: { n },
});

describe('Extension hooks', () => {
  it('authenticate, authorize per space and action, veto writes', async () => {
    const url = await start();
    await expect(client(url, 'mallory')).rejects.toMatchObject({ data: { code: 'UNAUTHORIZED' } });
    const s = await client(url, 'alice-token');

    const reply = (await s.emitWithAck('push', { changes: [put('open', 1), put('secret', 2), put('readonly', 3)] })) as PushReply;
    expect(reply.results.map((r) => [r.status, r.error?.code])).toEqual([
      ['ok', undefined],
      ['rejected', 'FORBIDDEN'],
      ['rejected', 'FORBIDDEN'],
    ]);
    expect(calls).toEqual(['audit:3']);

    const frozen = (await s.emitWithAck('push', { changes: [put('frozen', 4)] })) as ErrorReply;
    expect(frozen.error).toMatchObject({ code: 'FORBIDDEN', message: 'space frozen' });
    expect(((await s.emitWithAck('pull', { space: 'secret' })) as ErrorReply).error.code).toBe('FORBIDDEN');
    expect(((await s.emitWithAck('subscribe', { spaces: ['open', 'secret'] })) as ErrorReply).error.code).toBe('FORBIDDEN');
    expect(await s.emitWithAck('subscribe', { spaces: ['open', 'readonly'] })).toEqual({ spaces: ['open', 'readonly'] });
    const pulled = await s.emitWithAck('pull', { space: 'open' });
    expect(pulled.records.map((r: { id: string }) => r.id)).toEqual(['1']);
  });
});
