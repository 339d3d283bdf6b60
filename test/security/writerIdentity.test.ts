/**
 * Writer identity (issue 13 F2, F6, F7) against a real server process with
 * HS256 auth: a client id is `<subjectTag(sub)>-<device>` and the server
 * refuses any other; op ids and HLC node parts must be the connection's own
 * client id, refused per op with IDENTITY_MISMATCH. The attacks reproduced:
 * F2 — a writer of space M connects with the victim's client id (visible in
 * every pulled stamp) and pushes `victim:2..21`, so the victim's next writes
 * were acked `ok` as "duplicates" and never stored; F6/F7 — a stamp that
 * names another node (the victim's exact stamp, or `\uffff`) to win ties.
 * Mutations that make this fail: drop `checkClientBinding(conn)` in
 * socket/handshake.ts; drop `writerProblem(...)` in write/writeChanges.ts.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Socket } from 'socket.io-client';
import { boundClientId, encodeHlc, materialize, type PullReply, type PushReply } from '@syncline/shared';
import { spawnServer, type SpawnedServer } from '../helpers/spawnServer.js';
import { connectClient, request } from '../helpers/syncClient.js';
import { SECRET, hsToken } from './support/tokens.js';
import { refused } from './support/connect.js';
import { SecMaker } from './support/changes.js';

let srv: SpawnedServer;
const sockets: Socket[] = [];

beforeAll(async () => {
  srv = await spawnServer({ args: ['--auth-secret', SECRET] });
});
afterAll(async () => {
  for (const s of sockets) s.close();
  await srv?.kill('SIGKILL');
});

async function as(
  sub: string | undefined,
  spaces: Record<string, 'read' | 'write'>,
  clientId: string,
): Promise<{ s: Socket; m: SecMaker }> {
  const s = await connectClient(srv.url, { clientId, token: await hsToken({ ...(sub ? { sub } : {}), spaces }) });
  sockets.push(s);
  return { s, m: new SecMaker(clientId) };
}
const codes = (r: PushReply) => r.results.map((x) => (x.status === 'ok' ? 'ok' : x.error?.code));

describe('writer identity', () => {
  it("F2: nobody can connect with, or push under, another subject's client id", async () => {
    const victimId = boundClientId('victim', 'laptop');
    const victim = await as('victim', { V: 'write' }, victimId);
    expect(codes(await request<PushReply>(victim.s, 'push', { changes: [victim.m.put('V', 'v1', { n: 1 })] }))).toEqual(['ok']);

    // The attack: the victim's client id with the attacker's own token (write role only in M).
    const token = await hsToken({ sub: 'mallory', spaces: { M: 'write' } });
    expect(await refused(srv.url, { clientId: victimId, token })).toMatchObject({ code: 'IDENTITY_MISMATCH', retryable: false });
    // Nor an unbound id, nor another device of the victim.
    expect(await refused(srv.url, { clientId: 'victim', token })).toMatchObject({ code: 'IDENTITY_MISMATCH' });
    expect(await refused(srv.url, { clientId: boundClientId('victim', 'phone'), token })).toMatchObject({ code: 'IDENTITY_MISMATCH' });

    // From its own bound connection, the victim's op ids are refused per op; its own op in the batch goes through.
    const mallory = await as('mallory', { M: 'write' }, boundClientId('mallory', 'x'));
    const squat = Array.from({ length: 20 }, (_, i) => ({ ...mallory.m.put('M', `sq${i}`, { i }), opId: `${victimId}:${i + 2}` }));
    const reply = await request<PushReply>(mallory.s, 'push', { changes: [...squat, mallory.m.put('M', 'own', { ok: true })] });
    expect(codes(reply)).toEqual([...squat.map(() => 'IDENTITY_MISMATCH'), 'ok']);

    // The victim's next 5 writes are all stored.
    const next = Array.from({ length: 5 }, (_, i) => victim.m.put('V', `next${i}`, { i }));
    expect(codes(await request<PushReply>(victim.s, 'push', { changes: next }))).toEqual(['ok', 'ok', 'ok', 'ok', 'ok']);
    const pulled = await request<PullReply>(victim.s, 'pull', { space: 'V' });
    expect(pulled.records.map((r) => r.id).sort()).toEqual(['next0', 'next1', 'next2', 'next3', 'next4', 'v1']);
  });

  it("F6/F7: a stamp's node part must be the writer's own client id", async () => {
    const victimId = boundClientId('victim2', 'd');
    const victim = await as('victim2', { S: 'write' }, victimId);
    const first = victim.m.put('S', 'r', { v: 'victim' });
    expect(codes(await request<PushReply>(victim.s, 'push', { changes: [first] }))).toEqual(['ok']);

    const attackerId = boundClientId('eve', 'd');
    const eve = await as('eve', { S: 'write' }, attackerId);
    const sameStamp = { ...eve.m.put('S', 'r', { v: 'zzz eve' }), hlc: first.hlc };
    const tieWinner = { ...eve.m.put('S', 'r', { v: 'eve wins ties' }), hlc: encodeHlc({ ms: Date.now(), counter: 0, node: '\uffff' }) };
    const honest = eve.m.put('S', 'e', { v: 'fine' });
    expect(codes(await request<PushReply>(eve.s, 'push', { changes: [sameStamp, tieWinner, honest] }))).toEqual([
      'IDENTITY_MISMATCH',
      'IDENTITY_MISMATCH',
      'ok',
    ]);
    const pulled = await request<PullReply>(victim.s, 'pull', { space: 'S' });
    const r = pulled.records.find((x) => x.id === 'r')!;
    expect(materialize(r.state)).toEqual({ v: 'victim' });
  });

  it('a token without sub (a service) may use an unbound client id, never a bound one', async () => {
    const svc = await as(undefined, { S2: 'write' }, 'svc-worker');
    expect(codes(await request<PushReply>(svc.s, 'push', { changes: [svc.m.put('S2', 'a', { v: 1 })] }))).toEqual(['ok']);
    const token = await hsToken({ spaces: { S2: 'write' } });
    expect(await refused(srv.url, { clientId: boundClientId('someone', 'd'), token })).toMatchObject({ code: 'IDENTITY_MISMATCH' });
  });
});
