/**
 * Yjs clientID ownership (issue 13 F1) against a real server process with
 * HS256 auth. The attack: a writer of the space reads the victim's Yjs
 * clientID from a pulled document and pushes structs under it at the
 * victim's next clocks; the victim's next edit was then acked `ok` and
 * ignored by every other replica. Now that push is refused per op with
 * IDENTITY_MISMATCH, the victim's edit lands, and the claim survives a
 * SIGKILL + restart (it lives on the storage nodes). Deleting someone
 * else's text stays allowed. Mutation that makes this fail: drop the
 * `ctx.yjsOwners.check` line in write/writeChanges.ts (or make
 * memoryOwnerStore the only store: the restart step fails).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import type { Socket } from 'socket.io-client';
import { boundClientId, type PullReply, type PushReply } from '@syncline/shared';
import { spawnServer, type SpawnedServer } from '../helpers/spawnServer.js';
import { connectClient, request } from '../helpers/syncClient.js';
import { SECRET, hsToken } from './support/tokens.js';

let srv: SpawnedServer;
const sockets: Socket[] = [];
const args = ['--auth-secret', SECRET];

beforeAll(async () => {
  srv = await spawnServer({ args });
});
afterAll(async () => {
  for (const s of sockets) s.close();
  await srv?.kill('SIGKILL');
});

class Writer {
  private n = 0;
  constructor(
    readonly s: Socket,
    readonly clientId: string,
  ) {}
  async push(doc: string, update: Uint8Array): Promise<string> {
    const reply = await request<PushReply>(this.s, 'push', {
      changes: [{ kind: 'yjs', opId: `${this.clientId}:${Date.now()}${++this.n}`, space: 'S', doc, update }],
    });
    const r = reply.results[0]!;
    return r.status === 'ok' ? 'ok' : r.error!.code;
  }
}

async function as(sub: string): Promise<Writer> {
  const clientId = boundClientId(sub, 'd');
  const s = await connectClient(srv.url, { clientId, token: await hsToken({ sub, spaces: { S: 'write' } }) });
  sockets.push(s);
  return new Writer(s, clientId);
}

async function serverText(w: Writer, doc: string): Promise<string> {
  const pulled = await request<PullReply>(w.s, 'pull', { space: 'S' });
  const d = new Y.Doc();
  for (const row of pulled.docs.filter((x) => x.doc === doc)) Y.applyUpdate(d, row.update);
  return d.getText('t').toString();
}

/** Edits `doc` and returns just that edit's update. */
function edit(doc: Y.Doc, f: (t: Y.Text) => void): Uint8Array {
  const before = Y.encodeStateVector(doc);
  f(doc.getText('t'));
  return Y.encodeStateAsUpdate(doc, before);
}

describe('Yjs clientID ownership', () => {
  it('F1: refuses structs under a clientID another identity owns, durably', async () => {
    const victim = await as('victim');
    const vdoc = new Y.Doc();
    expect(
      await victim.push(
        'note',
        edit(vdoc, (t) => t.insert(0, 'hello')),
      ),
    ).toBe('ok');

    // The attacker pulls the document and forges an update under the victim's clientID at its next clocks.
    const mallory = await as('mallory');
    const forge = () => {
      const mdoc = new Y.Doc();
      Y.applyUpdate(mdoc, Y.encodeStateAsUpdate(vdoc));
      // After the apply: Yjs picks a new clientID when a remote update carries its own.
      mdoc.clientID = vdoc.clientID;
      return edit(mdoc, (t) => t.insert(5, ' pwned'));
    };
    expect(await mallory.push('note', forge())).toBe('IDENTITY_MISMATCH');

    // The victim's next edit (same ids the forgery used) is stored and seen by others.
    expect(
      await victim.push(
        'note',
        edit(vdoc, (t) => t.insert(5, ' world')),
      ),
    ).toBe('ok');
    expect(await serverText(mallory, 'note')).toBe('hello world');

    // The attacker's own edits, deleting the victim's text included, are fine.
    const own = new Y.Doc();
    Y.applyUpdate(own, Y.encodeStateAsUpdate(vdoc));
    expect(
      await mallory.push(
        'note',
        edit(own, (t) => t.delete(0, 6)),
      ),
    ).toBe('ok');
    expect(
      await mallory.push(
        'note',
        edit(own, (t) => t.insert(0, 'hi ')),
      ),
    ).toBe('ok');
    expect(await serverText(victim, 'note')).toBe('hi world');

    // Durable: a fresh server process on the same storage still knows the owner.
    await srv.kill('SIGKILL');
    srv = await spawnServer({ args, dataDir: srv.dataDir });
    const again = await as('mallory');
    expect(await again.push('note', forge())).toBe('IDENTITY_MISMATCH');
    const victim2 = await as('victim');
    expect(
      await victim2.push(
        'note',
        edit(vdoc, (t) => t.insert(0, '> ')),
      ),
    ).toBe('ok');
  });
});
