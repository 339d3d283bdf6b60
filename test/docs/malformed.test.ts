import { afterEach, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import type { PullReply, PushReply } from '@syncline/shared';
import { spawnServer, type SpawnedServer } from '../helpers/spawnServer.js';
import { connectClient, request } from '../helpers/syncClient.js';

let server: SpawnedServer | null = null;
afterEach(async () => {
  await server?.kill('SIGKILL');
  server = null;
});

function textOf(reply: PullReply): string {
  const doc = new Y.Doc();
  for (const d of reply.docs) Y.applyUpdate(doc, new Uint8Array(d.update));
  return doc.getText('t').toString();
}

describe('a malformed Yjs update', () => {
  it('is rejected with INVALID_UPDATE and the stored document stays intact', async () => {
    server = await spawnServer({ args: ['--ack', 'sync'] });
    const s = await connectClient(server.url, { clientId: 'raw' });
    const doc = new Y.Doc();
    doc.getText('t').insert(0, 'intact text');
    const good = Y.encodeStateAsUpdate(doc);
    const ok = await request<PushReply>(s, 'push', {
      changes: [{ kind: 'yjs', opId: 'raw:1', space: 'space-1', doc: 'note', update: good }],
    });
    expect(ok.results[0]).toMatchObject({ status: 'ok' });
    const before = await request<PullReply>(s, 'pull', { space: 'space-1', cursor: null });
    expect(textOf(before)).toBe('intact text');

    // Garbage, and a truncated real update, next to a valid one in the same push.
    const truncated = good.slice(0, good.length - 3);
    const more = new Y.Doc();
    Y.applyUpdate(more, good);
    more.getText('t').insert(0, '+');
    const next = Y.encodeStateAsUpdate(more, Y.encodeStateVector(doc));
    const reply = await request<PushReply>(s, 'push', {
      changes: [
        { kind: 'yjs', opId: 'raw:2', space: 'space-1', doc: 'note', update: new Uint8Array([0xff, 0xff, 0xff, 0x01, 0x02]) },
        { kind: 'yjs', opId: 'raw:3', space: 'space-1', doc: 'note', update: truncated },
        { kind: 'yjs', opId: 'raw:4', space: 'space-1', doc: 'note', update: next },
      ],
    });
    const codes = reply.results.map((r) => (r.status === 'ok' ? 'ok' : r.error?.code));
    // Either the bad ones alone are refused, or the whole push is: never is a bad update stored.
    expect(codes.slice(0, 2)).toEqual(['INVALID_UPDATE', 'INVALID_UPDATE']);
    const after = await request<PullReply>(s, 'pull', { space: 'space-1', cursor: null });
    expect(
      after.docs.every((d) => {
        try {
          Y.decodeUpdate(new Uint8Array(d.update));
          return true;
        } catch {
          return false;
        }
      }),
    ).toBe(true);
    expect(textOf(after)).toMatch(/^\+?intact text$/);
    if (codes[2] === 'ok') expect(textOf(after)).toBe('+intact text');
    s.close();
  }, 30_000);
});
