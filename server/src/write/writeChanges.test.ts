/**
 * The validation hook in the one write pipeline, in process (real Replicator
 * over two MemoryNodes, a real socket client): a rejection is per op and
 * typed, nothing of a rejected op is stored on any node, a hook may stamp a
 * field, and a hook cannot retarget an op.
 *
 * Mutation checked: writing the client's change `c` instead of the hook's
 * returned change in writeChanges (the createdBy stamp vanished: failed).
 */
import { afterEach, expect, it } from 'vitest';
import { io as connect, type Socket } from 'socket.io-client';
import { Hlc, SyncError, materialize, type PushReply } from '@syncline/shared';
import { MemoryNode } from '../storage/MemoryNode.js';
import { Replicator } from '../replication/Replicator.js';
import { createSynclineServer, type SynclineServer } from '../SynclineServer.js';
import type { Extension } from '../Extension.js';

let server: SynclineServer | undefined;
let socket: Socket | undefined;
afterEach(async () => {
  socket?.close();
  await server?.drain();
});

const rules: Extension = {
  name: 'rules',
  validateChange({ ctx, change }) {
    if (change.kind !== 'put' || change.table !== 'cards') return;
    const title = change.fields.title;
    if (title !== undefined && (typeof title !== 'string' || title.trim() === '')) {
      throw new SyncError('VALIDATION_FAILED', 'title must not be empty', { field: 'title', reason: 'EMPTY_TITLE' });
    }
    if (title === 'plain error') throw new Error('plain errors become VALIDATION_FAILED');
    if (title === 'retarget') return { ...change, id: 'other' };
    return { ...change, fields: { ...change.fields, createdBy: ctx.clientId } };
  },
};

it('rejects per op with a typed code, stores nothing of it, and may stamp fields', async () => {
  const nodes = [new MemoryNode('m1'), new MemoryNode('m2')];
  for (const n of nodes) await n.open();
  server = createSynclineServer({ replicator: new Replicator(nodes, { mode: 'sync' }), nodes, mode: 'sync', port: 0, extensions: [rules] });
  const { url } = await server.listen();
  socket = connect(url, { transports: ['websocket'], reconnection: false, forceNew: true, auth: { clientId: 'c1', protocol: 1 } });
  await new Promise((r) => socket!.once('welcome', r));
  const clock = new Hlc('c1');
  const put = (n: number, id: string, title: unknown) => ({
    kind: 'put',
    opId: `c1:${n}`,
    space: 's',
    table: 'cards',
    id,
    hlc: clock.now(),
    fields: { title },
  });

  const reply = (await socket.emitWithAck('push', {
    changes: [put(1, 'a', 'ok'), put(2, 'b', '  '), put(3, 'c', 'plain error'), put(4, 'a', ''), put(5, 'd', 'retarget')],
  })) as PushReply;
  expect(reply.results.map((r) => [r.status, r.error?.code])).toEqual([
    ['ok', undefined],
    ['rejected', 'VALIDATION_FAILED'],
    ['rejected', 'VALIDATION_FAILED'],
    ['rejected', 'VALIDATION_FAILED'],
    ['rejected', 'INTERNAL'],
  ]);
  expect(reply.results[1]!.error).toMatchObject({ retryable: false, details: { reason: 'EMPTY_TITLE' } });
  for (const node of nodes) {
    const page = await node.pull('s', 0, 100);
    expect(page.records.map((r) => [r.id, materialize(r.state)])).toEqual([['a', { title: 'ok', createdBy: 'c1' }]]);
    expect(await node.hasOps(['c1:2', 'c1:3', 'c1:4', 'c1:5'])).toEqual(new Set());
  }
});
