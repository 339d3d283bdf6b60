/**
 * Live delivery over real server processes (issue 11, docs/PROTOCOL.md
 * "Live delivery"): two servers sharing the node files, fanning out through
 * Redis (`--redis`, seq watcher off so nothing but the adapter carries a
 * message between them), with JWT roles.
 *
 * - committed record rows reach a subscriber on the other server as
 *   `changes` with node and seq, ranges back to back (socket push and HTTP
 *   records API);
 * - a Yjs update reaches the document's subscribers on both servers, never
 *   the sender, never a connection that opened another document;
 * - a connection without the read role receives nothing of the space on
 *   either server, for every event.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Socket } from 'socket.io-client';
import {
  boundClientId,
  materialize,
  type AwarenessMessage,
  type ChangesMessage,
  type DocUpdateMessage,
  type ErrorReply,
  type PullReply,
  type PushReply,
} from '@syncline/shared';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { spawnServer, tempDir, type SpawnedServer } from '../helpers/spawnServer.js';
import { connectClient, request } from '../helpers/syncClient.js';
import { SECRET, hsToken, type TokenClaims } from '../security/support/tokens.js';
import { SecMaker, awarenessUpdate, yjsUpdate } from '../security/support/changes.js';
import { collect, sleep } from '../security/support/connect.js';

const REDIS = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
const REVOCABLE = fileURLToPath(new URL('./support/revocableRead.ts', import.meta.url));
const run = `${process.pid}-${Date.now()}`;
let a: SpawnedServer;
let b: SpawnedServer;
const sockets: Socket[] = [];

beforeAll(async () => {
  const dataDir = tempDir('syncline-live-');
  const args = ['--auth-secret', SECRET, '--redis', REDIS, '--poll-poke-ms', '0'];
  a = await spawnServer({ dataDir, args: [...args, '--server-id', 'live-a'] });
  b = await spawnServer({ dataDir, args: [...args, '--server-id', 'live-b'] });
});
afterAll(async () => {
  for (const s of sockets) s.close();
  await Promise.all([a?.kill('SIGKILL'), b?.kill('SIGKILL')]);
});

/** Connects as subject `sub` with a client id bound to it (issue 13: ids are `<subject tag>-<device>`). */
async function as(srv: SpawnedServer, sub: string, spaces: TokenClaims['spaces']): Promise<{ s: Socket; m: SecMaker; token: string }> {
  const token = await hsToken({ sub, spaces });
  const clientId = boundClientId(sub, 'd');
  const s = await connectClient(srv.url, { clientId, token });
  sockets.push(s);
  return { s, m: new SecMaker(clientId), token };
}

async function until(check: () => boolean, ms = 5000, what = 'condition'): Promise<void> {
  const end = Date.now() + ms;
  while (!check()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await sleep(10);
  }
}

/** The Redis adapter subscribes asynchronously after start: push until the other server's subscriber hears of it. */
async function warmUp(writer: { s: Socket; m: SecMaker }, watcher: Socket, space: string): Promise<void> {
  let heard = false;
  const mark = () => (heard = true);
  watcher.on('poke', mark);
  watcher.on('changes', mark);
  for (let i = 0; i < 50 && !heard; i++) {
    await request<PushReply>(writer.s, 'push', { changes: [writer.m.put(space, `warm-${i}`, { i })] });
    await sleep(100);
  }
  watcher.off('poke', mark);
  watcher.off('changes', mark);
  expect(heard).toBe(true);
}

describe('live delivery across two servers (Redis adapter)', () => {
  it('sends committed record rows with node and contiguous seq ranges, for socket pushes and HTTP writes', async () => {
    const space = `rec-${run}`;
    const writer = await as(a, 'lw1', { [space]: 'service' });
    const sub = await as(b, 'ls1', { [space]: 'read' });
    await request(sub.s, 'subscribe', { spaces: [space] });
    await warmUp(writer, sub.s, space);
    // From here on every write is delivered as rows (the space's tail on A knows its tip).
    const got = collect<ChangesMessage>(sub.s, 'changes');
    for (let i = 0; i < 5; i++) {
      const r = await request<PushReply>(writer.s, 'push', { changes: [writer.m.put(space, `r${i}`, { n: i })] });
      expect(r.results[0]!.status).toBe('ok');
    }
    const http = await fetch(`${a.url}/v1/spaces/${space}/records/items/web1`, {
      method: 'PUT',
      headers: { authorization: `Bearer ${writer.token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ title: 'from http' }),
    });
    expect(http.status).toBe(200);
    const ids = () => new Set(got.flatMap((m) => m.records.map((r) => r.id)));
    await until(() => ['r0', 'r1', 'r2', 'r3', 'r4', 'web1'].every((id) => ids().has(id)), 5000, 'rows on B');
    const web = got.flatMap((m) => m.records).find((r) => r.id === 'web1')!;
    expect(materialize(web.state)).toEqual({ title: 'from http' });
    for (const m of got) {
      expect(m.space).toBe(space);
      for (const r of m.records) {
        expect(r.seq).toBeGreaterThan(m.fromSeq);
        expect(r.seq).toBeLessThanOrEqual(m.toSeq);
      }
    }
    // One writer server: its messages cover the seq line back to back.
    for (let i = 1; i < got.length; i++) expect(got[i]!.fromSeq).toBe(got[i - 1]!.toSeq);
    expect(new Set(got.map((m) => m.node)).size).toBe(1);
    // What was delivered is what a pull from the message's start returns.
    const pulled = await request<PullReply>(sub.s, 'pull', {
      space,
      cursor: `${got[0]!.node}:${got[0]!.fromSeq}`,
      only: { records: true },
    });
    expect(pulled.records.map((r) => [r.id, r.seq])).toEqual(got.flatMap((m) => m.records.map((r) => [r.id, r.seq])));
    expect(pulled.docs).toEqual([]);
  });

  it('relays a Yjs update and presence to the subscribers of its document only, on both servers, never back to the sender', async () => {
    const space = `doc-${run}`;
    const writer = await as(a, 'lw2', { [space]: 'write' });
    const onA = await as(a, 'lr2a', { [space]: 'read' });
    const onB = await as(b, 'lr2b', { [space]: 'read' });
    const other = await as(b, 'lr2o', { [space]: 'read' });
    await request(writer.s, 'subscribe_docs', { space, docs: ['A'] });
    for (const r of [onA, onB]) expect(await request(r.s, 'subscribe_docs', { space, docs: ['A'] })).toEqual({ space, docs: ['A'] });
    await request(other.s, 'subscribe_docs', { space, docs: ['B'] });
    const seen = new Map<Socket, DocUpdateMessage[]>();
    for (const x of [writer, onA, onB, other]) seen.set(x.s, collect<DocUpdateMessage>(x.s, 'doc_update'));
    // Warm the adapter up with doc B, then count.
    for (let i = 0; i < 50 && seen.get(other.s)!.length === 0; i++) {
      await request<PushReply>(writer.s, 'push', {
        changes: [{ kind: 'yjs', opId: writer.m.nextOpId(), space, doc: 'B', update: yjsUpdate(`b${i}`) }],
      });
      await sleep(100);
    }
    expect(seen.get(other.s)!.length).toBeGreaterThan(0);
    const reply = await request<PushReply>(writer.s, 'push', {
      changes: [
        { kind: 'yjs', opId: writer.m.nextOpId(), space, doc: 'A', update: yjsUpdate('hello A') },
        { kind: 'yjs', opId: writer.m.nextOpId(), space, doc: 'B', update: yjsUpdate('hello B') },
      ],
    });
    expect(reply.results.map((r) => r.status)).toEqual(['ok', 'ok']);
    await until(() => seen.get(onA.s)!.length > 0 && seen.get(onB.s)!.length > 0, 5000, 'doc A relayed on both servers');
    await sleep(300);
    for (const r of [onA, onB]) {
      expect(seen.get(r.s)!.every((m) => m.space === space && m.doc === 'A')).toBe(true);
      expect(seen.get(r.s)!.length).toBe(1);
    }
    expect(seen.get(other.s)!.every((m) => m.doc === 'B')).toBe(true);
    expect(seen.get(writer.s)).toEqual([]);
    // Presence goes by document too: A's cursor reaches A's readers on both servers, not B's (though all
    // three are in the space's room), not the sender.
    for (const r of [onA, onB, other]) await request(r.s, 'subscribe', { spaces: [space] });
    const presence = new Map<Socket, AwarenessMessage[]>();
    for (const x of [writer, onA, onB, other]) presence.set(x.s, collect<AwarenessMessage>(x.s, 'awareness'));
    expect(await request(writer.s, 'awareness', { space, doc: 'A', update: awarenessUpdate(11) })).toEqual({ ok: true });
    await until(() => presence.get(onA.s)!.length > 0 && presence.get(onB.s)!.length > 0, 5000, 'presence of A on both servers');
    await sleep(300);
    for (const r of [onA, onB]) expect(presence.get(r.s)!.map((m) => m.doc)).toEqual(['A']);
    expect(presence.get(other.s)).toEqual([]);
    expect(presence.get(writer.s)).toEqual([]);
    // Pull by document: only A's updates.
    const pulledA = await request<PullReply>(onB.s, 'pull', { space, only: { doc: 'A' } });
    expect(pulledA.records).toEqual([]);
    expect(pulledA.docs.map((d) => d.doc)).toEqual(['A']);
  });

  // Mutation check: dropping `await authorize(...)` from handleSubscribeDocs makes the outsider receive doc_update here.
  it('a connection without the read role receives nothing of the space on either server, for every event', async () => {
    const space = `sec-${run}`;
    const writer = await as(a, 'lw3', { [space]: 'write' });
    const control = await as(b, 'lr3', { [space]: 'read' });
    const outsiders = [await as(a, 'lo3a', { other: 'write' }), await as(b, 'lo3b', { other: 'write' })];
    const events = ['changes', 'doc_update', 'poke', 'awareness'];
    const heard: unknown[] = [];
    for (const o of outsiders) {
      expect((await request<ErrorReply>(o.s, 'subscribe', { spaces: [space] })).error.code).toBe('FORBIDDEN');
      expect((await request<ErrorReply>(o.s, 'subscribe_docs', { space, docs: ['d'] })).error.code).toBe('FORBIDDEN');
      expect((await request<ErrorReply>(o.s, 'pull', { space, only: { doc: 'd' } })).error.code).toBe('FORBIDDEN');
      for (const e of events) o.s.on(e, (m: unknown) => heard.push({ e, m }));
    }
    await request(control.s, 'subscribe', { spaces: [space] });
    await request(control.s, 'subscribe_docs', { space, docs: ['d'] });
    const controlHeard = new Set<string>();
    for (const e of events) control.s.on(e, () => controlHeard.add(e));
    await warmUp(writer, control.s, space);
    await request<PushReply>(writer.s, 'push', {
      changes: [...writer.m.every(space, 'x'), { kind: 'yjs', opId: writer.m.nextOpId(), space, doc: 'd', update: yjsUpdate('secret') }],
    });
    await request(writer.s, 'awareness', { space, doc: 'd', update: awarenessUpdate(7) });
    await until(
      () => ['changes', 'doc_update', 'awareness'].every((e) => controlHeard.has(e)),
      5000,
      'the reader with the role hears every event',
    );
    await sleep(300);
    expect(heard).toEqual([]);
  });

  // Mutation check: delivering with `io.to(room).emit` (no per-connection check, as before deliverChecked.ts)
  // makes the revoked reader keep receiving rows and updates here.
  it('an app rule that revokes read stops live data at once, on both servers, without a reconnect', async () => {
    const dataDir = tempDir('syncline-live-revoke-');
    const flag = join(dataDir, 'revoked.txt');
    const env = { SYNCLINE_TEST_REVOKED: flag };
    const args = ['--redis', REDIS, '--poll-poke-ms', '0', '--extension', REVOCABLE];
    const ra = await spawnServer({ dataDir, args: [...args, '--server-id', 'rv-a'], env });
    const rb = await spawnServer({ dataDir, args: [...args, '--server-id', 'rv-b'], env });
    try {
      const space = `rv-${run}`;
      const w = { s: await connectClient(ra.url, { clientId: 'rvw' }), m: new SecMaker('rvw') };
      const readers = [await connectClient(ra.url, { clientId: 'rva' }), await connectClient(rb.url, { clientId: 'rvb' })];
      sockets.push(w.s, ...readers);
      const got = readers.map(() => [] as string[]);
      for (const [i, r] of readers.entries()) {
        await request(r, 'subscribe', { spaces: [space] });
        await request(r, 'subscribe_docs', { space, docs: ['d'] });
        for (const e of ['changes', 'doc_update']) r.on(e, () => got[i]!.push(e));
      }
      await request(w.s, 'subscribe', { spaces: [space] });
      await warmUp(w, readers[1]!, space);
      await request<PushReply>(w.s, 'push', {
        changes: [w.m.put(space, 'before', { v: 1 }), { kind: 'yjs', opId: w.m.nextOpId(), space, doc: 'd', update: yjsUpdate('before') }],
      });
      await until(
        () => got.every((g) => g.includes('changes') && g.includes('doc_update')),
        5000,
        'both readers get data before the revocation',
      );
      writeFileSync(flag, 'rva\nrvb\n');
      for (const g of got) g.length = 0;
      await request<PushReply>(w.s, 'push', {
        changes: [w.m.put(space, 'after', { v: 2 }), { kind: 'yjs', opId: w.m.nextOpId(), space, doc: 'd', update: yjsUpdate('after') }],
      });
      await request<PushReply>(w.s, 'push', { changes: [w.m.put(space, 'after2', { v: 3 })] });
      await sleep(700);
      expect(got).toEqual([[], []]);
    } finally {
      await Promise.all([ra.kill('SIGKILL'), rb.kill('SIGKILL')]);
    }
  });
});
