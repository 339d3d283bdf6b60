/**
 * G1 over the wire: a change stamped far in the future is re-stamped by the
 * server; re-sending the same op id (as a client does after an indeterminate
 * answer) must answer the stamp that was stored, not a new one.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { encodeHlc, type PushReply } from '@syncline/shared';
import { spawnServer, type SpawnedServer } from '../helpers/spawnServer.js';
import { connectClient, request } from '../helpers/syncClient.js';

let server: SpawnedServer | undefined;
afterEach(async () => {
  await server?.kill('SIGKILL');
  server = undefined;
});

describe('re-stamped op re-sent', () => {
  it('answers the stored stamp every time', async () => {
    server = await spawnServer({ args: ['--ack', 'sync', '--max-clock-skew-ms', '1000'] });
    const socket = await connectClient(server.url, { clientId: 'skewed' });
    try {
      const change = {
        kind: 'put',
        opId: 'skewed:1',
        space: 's',
        table: 'items',
        id: 'r1',
        hlc: encodeHlc({ ms: Date.now() + 86_400_000, counter: 0, node: 'skewed' }),
        fields: { v: 1 },
      };
      const first = await request<PushReply>(socket, 'push', { changes: [change] });
      expect(first.results[0]).toMatchObject({ status: 'ok' });
      const stored = first.results[0]!.hlc;
      expect(stored).toBeDefined();
      expect(stored).not.toBe(change.hlc);
      await new Promise((r) => setTimeout(r, 5)); // the server clock moves on: a new re-stamp would differ
      for (let i = 0; i < 2; i++) {
        const again = await request<PushReply>(socket, 'push', { changes: [change] });
        expect(again.results[0]).toMatchObject({ status: 'ok', hlc: stored });
      }
    } finally {
      socket.close();
    }
  });
});
