/**
 * Per-space authorization from the token's `spaces` claim, against a real
 * server process, for every event: push (put, delete, yjs), pull,
 * subscribe, awareness (sending and receiving) and poke delivery (room
 * emit after a push and the seq watcher). Nobody without a role sees or
 * changes anything of a space; `read` cannot write; `*` is a fallback.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Socket } from 'socket.io-client';
import { boundClientId, type ErrorReply, type PullReply, type PushReply, type SubscribeReply } from '@syncline/shared';
import { spawnServer, type SpawnedServer } from '../helpers/spawnServer.js';
import { connectClient, request } from '../helpers/syncClient.js';
import { SECRET, hsToken, type TokenClaims } from './support/tokens.js';
import { collect, sleep } from './support/connect.js';
import { SecMaker, awarenessUpdate } from './support/changes.js';

let srv: SpawnedServer;
const sockets: Socket[] = [];

beforeAll(async () => {
  srv = await spawnServer({ args: ['--auth-secret', SECRET, '--poll-poke-ms', '100'] });
});
afterAll(async () => {
  for (const s of sockets) s.close();
  await srv?.kill('SIGKILL');
});

/** Connects as subject `sub` with its bound client id (device `d`). */
async function as(sub: string, spaces: TokenClaims['spaces']): Promise<{ s: Socket; m: SecMaker }> {
  const clientId = boundClientId(sub, 'd');
  const s = await connectClient(srv.url, { clientId, token: await hsToken({ sub, spaces }) });
  sockets.push(s);
  return { s, m: new SecMaker(clientId) };
}

const codes = (r: PushReply) => r.results.map((x) => (x.status === 'ok' ? 'ok' : x.error?.code));
const errorOf = (r: unknown) => (r as ErrorReply).error?.code;
const ids = (p: PullReply) => [...p.records.map((r) => r.id), ...p.docs.map((d) => d.doc)].sort();

describe('per-space roles', () => {
  it('push: put, delete and yjs need the write role in the space', async () => {
    const writer = await as('w', { a: 'write', r: 'read' });
    const reader = await as('rd', { a: 'read' });
    const outsider = await as('out', { other: 'write' });

    expect(codes(await request<PushReply>(outsider.s, 'push', { changes: outsider.m.every('a', 'out') }))).toEqual([
      'FORBIDDEN',
      'FORBIDDEN',
      'FORBIDDEN',
    ]);
    expect(codes(await request<PushReply>(reader.s, 'push', { changes: reader.m.every('a', 'rd') }))).toEqual([
      'FORBIDDEN',
      'FORBIDDEN',
      'FORBIDDEN',
    ]);
    expect(codes(await request<PushReply>(writer.s, 'push', { changes: writer.m.every('r', 'w-in-r') }))).toEqual([
      'FORBIDDEN',
      'FORBIDDEN',
      'FORBIDDEN',
    ]);
    // A mixed batch: only the allowed space is written.
    const mixed = [...writer.m.every('a', 'w'), ...writer.m.every('nope', 'w-nope')];
    expect(codes(await request<PushReply>(writer.s, 'push', { changes: mixed }))).toEqual([
      'ok',
      'ok',
      'ok',
      'FORBIDDEN',
      'FORBIDDEN',
      'FORBIDDEN',
    ]);

    const pulled = await request<PullReply>(writer.s, 'pull', { space: 'a' });
    expect(ids(pulled)).toEqual(['w-d', 'w-doc', 'w-p']);
    expect(ids(await request<PullReply>(writer.s, 'pull', { space: 'r' }))).toEqual([]);
  });

  it('pull and subscribe need the read role; subscribe is all or nothing', async () => {
    const reader = await as('rd2', { a: 'read', b: 'write' });
    const outsider = await as('out2', { other: 'write' });
    expect(errorOf(await request(outsider.s, 'pull', { space: 'a' }))).toBe('FORBIDDEN');
    expect(errorOf(await request(outsider.s, 'pull', { space: 'a', cursor: 'n1:0', limit: 5 }))).toBe('FORBIDDEN');
    expect((await request<PullReply>(reader.s, 'pull', { space: 'a' })).space).toBe('a');

    expect(errorOf(await request(outsider.s, 'subscribe', { spaces: ['a'] }))).toBe('FORBIDDEN');
    expect(errorOf(await request(outsider.s, 'subscribe', { spaces: ['other', 'a'] }))).toBe('FORBIDDEN');
    expect(await request<SubscribeReply>(outsider.s, 'subscribe', { spaces: ['other'] })).toEqual({ spaces: ['other'] });
    expect(await request<SubscribeReply>(reader.s, 'subscribe', { spaces: ['a', 'b'] })).toEqual({ spaces: ['a', 'b'] });
  });

  it('pokes and presence reach only connections with a role in the space', async () => {
    const writer = await as('w3', { p: 'write' });
    const reader = await as('rd3', { p: 'read' });
    const outsider = await as('out3', { q: 'write' });
    await request(reader.s, 'subscribe', { spaces: ['p'] });
    await request(reader.s, 'subscribe_docs', { space: 'p', docs: ['d'] });
    await request(outsider.s, 'subscribe', { spaces: ['q'] });
    expect(errorOf(await request(outsider.s, 'subscribe', { spaces: ['p'] }))).toBe('FORBIDDEN');
    expect(errorOf(await request(outsider.s, 'subscribe_docs', { space: 'p', docs: ['d'] }))).toBe('FORBIDDEN');
    const readerPokes = collect<{ space: string }>(reader.s, 'poke');
    const outsiderPokes = collect<{ space: string }>(outsider.s, 'poke');
    const readerPresence = collect<{ space: string }>(reader.s, 'awareness');
    const outsiderPresence = collect<{ space: string }>(outsider.s, 'awareness');

    expect(codes(await request<PushReply>(writer.s, 'push', { changes: writer.m.every('p', 'x') }))).toEqual(['ok', 'ok', 'ok']);
    await request(writer.s, 'awareness', { space: 'p', doc: 'd', update: awarenessUpdate(3) });
    // Presence into a space without a role is refused and relayed to nobody.
    expect(errorOf(await request(outsider.s, 'awareness', { space: 'p', doc: 'd', update: awarenessUpdate(9) }))).toBe('FORBIDDEN');
    outsider.s.emit('awareness', { space: 'p', doc: 'd', update: awarenessUpdate(8) }); // fire-and-forget form too
    await sleep(600); // several seq-watcher rounds (--poll-poke-ms 100)

    expect(readerPokes.some((p) => p.space === 'p')).toBe(true);
    expect(readerPresence).toEqual([expect.objectContaining({ space: 'p', update: expect.anything() })]);
    expect(outsiderPokes.filter((p) => p.space !== 'q')).toEqual([]);
    expect(outsiderPresence).toEqual([]);
  });

  it('names that exist on Object.prototype grant nothing', async () => {
    const { s, m } = await as('w4', { a: 'write' });
    for (const space of ['__proto__', 'constructor', 'toString', 'hasOwnProperty', 'valueOf']) {
      expect(errorOf(await request(s, 'pull', { space })), space).toBe('FORBIDDEN');
      expect(errorOf(await request(s, 'subscribe', { spaces: [space] })), space).toBe('FORBIDDEN');
      expect(codes(await request<PushReply>(s, 'push', { changes: [m.put(space, 'x', { v: 1 })] })), space).toEqual(['FORBIDDEN']);
      expect(errorOf(await request(s, 'awareness', { space, doc: 'd', update: awarenessUpdate(1) })), space).toBe('FORBIDDEN');
    }
  });

  it('"*" is the role for spaces not named; an exact entry wins', async () => {
    const { s, m } = await as('w5', { '*': 'read', mine: 'write', locked: 'read' });
    expect((await request<PullReply>(s, 'pull', { space: 'anything' })).space).toBe('anything');
    expect(await request<SubscribeReply>(s, 'subscribe', { spaces: ['anything', 'mine'] })).toEqual({ spaces: ['anything', 'mine'] });
    expect(
      codes(
        await request<PushReply>(s, 'push', {
          changes: [m.put('anything', 'x', { v: 1 }), m.put('mine', 'x', { v: 1 }), m.put('locked', 'x', { v: 1 })],
        }),
      ),
    ).toEqual(['FORBIDDEN', 'ok', 'FORBIDDEN']);
    const admin = await as('w6', { '*': 'write' });
    expect(codes(await request<PushReply>(admin.s, 'push', { changes: [admin.m.put('anything', 'y', { v: 1 })] }))).toEqual(['ok']);
  });

  it('a token without a spaces claim has no role anywhere', async () => {
    const { s, m } = await as('w7', undefined);
    expect(errorOf(await request(s, 'pull', { space: 'a' }))).toBe('FORBIDDEN');
    expect(codes(await request<PushReply>(s, 'push', { changes: [m.put('a', 'x', { v: 1 })] }))).toEqual(['FORBIDDEN']);
  });

  it("an authenticated connection cannot push another client's op ids", async () => {
    const { s } = await as('w8', { a: 'write' });
    const victim = new SecMaker(boundClientId('victim', 'd'));
    const reply = await request<PushReply>(s, 'push', { changes: [victim.put('a', 'steal', { v: 1 })] });
    expect(reply.results[0]).toMatchObject({
      status: 'rejected',
      error: { code: 'IDENTITY_MISMATCH', message: expect.stringMatching(/does not belong/) },
    });
    // The victim's op id is still free: its own push is applied.
    const v = await as('victim', { a: 'write' });
    const mine = { ...victim.put('a', 'mine', { v: 2 }), opId: `${victim.clientId}:1` };
    expect(codes(await request<PushReply>(v.s, 'push', { changes: [mine] }))).toEqual(['ok']);
    const pulled = await request<PullReply>(v.s, 'pull', { space: 'a' });
    expect(pulled.records.find((r) => r.id === 'mine')).toBeDefined();
    expect(pulled.records.find((r) => r.id === 'steal')).toBeUndefined();
  });
});
