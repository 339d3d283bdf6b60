/**
 * SIGTERM drains: every push the server took is answered (ok, or
 * SERVER_DRAINING when it arrived after the drain began — never silence),
 * clients get `drain`, the process exits 0, and every ok op is durable.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { join } from 'node:path';
import type { DrainMessage, PushReply, ErrorReply } from '@syncline/shared';
import { SqliteNode } from '@syncline/server';
import { spawnServer, type SpawnedServer } from '../helpers/spawnServer.js';
import { connectClient, nextEvent } from '../helpers/syncClient.js';
import { ChangeMaker } from '../helpers/changes.js';

let srv: SpawnedServer | undefined;
afterEach(async () => {
  await srv?.kill('SIGKILL');
});

describe('drain on SIGTERM', () => {
  it('answers in-flight pushes, tells clients to move, exits 0', async () => {
    srv = await spawnServer({ args: ['--ack', 'sync'] });
    const c = await connectClient(srv.url, { clientId: 'drainer' });
    const maker = new ChangeMaker('drainer');
    const drained = nextEvent<DrainMessage>(c, 'drain', 10_000);
    const replies: Promise<PushReply | ErrorReply>[] = [];
    for (let i = 0; i < 8; i++) {
      const changes = Array.from({ length: 200 }, (_, j) => maker.put('d', `r${i}-${j}`, { i, j }));
      replies.push(c.timeout(10_000).emitWithAck('push', { changes }));
    }
    await new Promise((r) => setTimeout(r, 15));
    const code = srv.kill('SIGTERM');
    const answered = await Promise.all(replies);
    expect((await drained).reason).toMatch(/SIGTERM/);
    expect(await code).toBe(0);

    const okOps: string[] = [];
    for (const reply of answered) {
      if ('error' in reply) {
        expect(reply.error.code).toBe('SERVER_DRAINING');
        continue;
      }
      for (const r of reply.results) {
        expect(r.status).toBe('ok');
        okOps.push(r.opId);
      }
    }
    console.log(`drain: ${okOps.length} ops acked ok, ${answered.filter((r) => 'error' in r).length} pushes told SERVER_DRAINING`);
    c.close();
    for (const i of [1, 2, 3]) {
      const node = await SqliteNode.open({ id: `node${i}`, path: join(srv.dataDir, `node${i}.db`) });
      try {
        expect((await node.hasOps(okOps)).size).toBe(okOps.length);
      } finally {
        await node.close();
      }
    }
  });
});
