/**
 * Input edge cases (issue 13 F10, F11 and the "info" row) against a real
 * server process with HS256 auth. F10: ids with lone surrogates were acked
 * and stored as one row (storage turns both into U+FFFD); F11: a NUL in one
 * op's id rejected the whole batch. Now each such op is refused on its own
 * (INVALID_MESSAGE) and the rest of the batch is written; a Yjs update with
 * trailing bytes is INVALID_UPDATE; a token issued in the future or living
 * past --max-token-lifetime-s is refused.
 * Mutations that make this fail: drop `.refine(...wellFormed)` from `name`
 * in shared/src/protocol.ts; parse with PushRequestSchema again in
 * socket/pushHandler.ts; use Y.decodeUpdate in socket/changeLimits.ts;
 * remove `checkTokenTimes` from auth/TokenVerifier.ts.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SignJWT } from 'jose';
import type { Socket } from 'socket.io-client';
import { boundClientId, type PullReply, type PushReply } from '@syncline/shared';
import { spawnServer, type SpawnedServer } from '../helpers/spawnServer.js';
import { connectClient, request } from '../helpers/syncClient.js';
import { SECRET, hsToken } from './support/tokens.js';
import { refused } from './support/connect.js';
import { SecMaker, yjsUpdate } from './support/changes.js';

let srv: SpawnedServer;
let s: Socket;
let m: SecMaker;

beforeAll(async () => {
  srv = await spawnServer({ args: ['--auth-secret', SECRET, '--auth-clock-tolerance-s', '5', '--max-token-lifetime-s', '3600'] });
  const clientId = boundClientId('edge', 'd');
  s = await connectClient(srv.url, { clientId, token: await hsToken({ sub: 'edge', spaces: { '*': 'write' } }) });
  m = new SecMaker(clientId);
});
afterAll(async () => {
  s?.close();
  await srv?.kill('SIGKILL');
});
const codes = (r: PushReply) => r.results.map((x) => (x.status === 'ok' ? 'ok' : x.error?.code));

describe('input edge cases', () => {
  it('F10: lone surrogates in ids and names are refused per op; no key is changed', async () => {
    const changes = [
      m.put('u', 'r\ud800', { v: 'high' }),
      m.put('u', 'r\udc00', { v: 'low' }),
      m.put('u', 'r', { v: 'plain' }),
      m.put('u', 'pair\ud83d\ude00', { v: 'emoji' }),
      m.put('u\udfff', 'x', { v: 1 }),
      m.put('u', 'y', { ['f\ud800']: 1 }),
    ];
    const reply = await request<PushReply>(s, 'push', { changes });
    expect(codes(reply)).toEqual(['INVALID_MESSAGE', 'INVALID_MESSAGE', 'ok', 'ok', 'INVALID_MESSAGE', 'INVALID_MESSAGE']);
    expect(reply.results.map((r) => r.opId)).toEqual(changes.map((c) => c.opId));
    const pulled = await request<PullReply>(s, 'pull', { space: 'u' });
    expect(pulled.records.map((r) => r.id).sort()).toEqual(['pair\ud83d\ude00', 'r']);
  });

  it('F11: a NUL in one op rejects only that op', async () => {
    const changes = [m.put('n', 'a', { v: 1 }), m.put('n', 'b\u0000c', { v: 2 }), m.del('n', 'z'), m.yjs('n', 'doc')];
    expect(codes(await request<PushReply>(s, 'push', { changes }))).toEqual(['ok', 'INVALID_MESSAGE', 'ok', 'ok']);
    const pulled = await request<PullReply>(s, 'pull', { space: 'n' });
    expect(pulled.records.map((r) => r.id).sort()).toEqual(['a', 'z']);
    expect(pulled.docs.map((d) => d.doc)).toEqual(['doc']);
  });

  it('a Yjs update with trailing bytes is INVALID_UPDATE', async () => {
    const good = yjsUpdate('fine');
    const changes = [
      { kind: 'yjs', opId: m.nextOpId(), space: 'y', doc: 'd', update: new Uint8Array([...good, 0, 0, 7]) },
      { kind: 'yjs', opId: m.nextOpId(), space: 'y', doc: 'd', update: good },
    ];
    expect(codes(await request<PushReply>(s, 'push', { changes }))).toEqual(['INVALID_UPDATE', 'ok']);
  });

  it('refuses a future iat and a lifetime past --max-token-lifetime-s', async () => {
    const now = Math.floor(Date.now() / 1000);
    const sign = (iat: number, exp: number) =>
      new SignJWT({ spaces: { a: 'read' } })
        .setProtectedHeader({ alg: 'HS256' })
        .setIssuedAt(iat)
        .setExpirationTime(exp)
        .sign(new TextEncoder().encode(SECRET));
    expect(await refused(srv.url, { clientId: 'svc1', token: await sign(now + 3600, now + 4000) })).toMatchObject({
      code: 'UNAUTHORIZED',
      message: expect.stringMatching(/iat/),
    });
    expect(await refused(srv.url, { clientId: 'svc2', token: await sign(now, 32503680000) })).toMatchObject({
      code: 'UNAUTHORIZED',
      message: expect.stringMatching(/lifetime/),
    });
    expect(await refused(srv.url, { clientId: 'svc3', token: await hsToken({ spaces: {} }, { ttlSec: 7200 }) })).toMatchObject({
      code: 'UNAUTHORIZED',
    });
    const ok = await connectClient(srv.url, { clientId: 'svc4', token: await sign(now + 2, now + 3000) });
    ok.close();
  });
});
