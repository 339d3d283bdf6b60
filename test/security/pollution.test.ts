/**
 * Keys like `__proto__`, `constructor`, `prototype` cannot pollute anything.
 * The server runs in this process so the test can look at its prototypes
 * after pushing records with those names as space, table, id and field
 * names, and payloads carrying own `__proto__` keys on every event.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Socket } from 'socket.io-client';
import { Hlc, materialize, type ErrorReply, type PullReply, type PushReply } from '@syncline/shared';
import type { SynclineServer } from '@syncline/server';
import { startInProcess, socketTo } from './support/inProcess.js';

let server: SynclineServer;
let s: Socket;
const protoKeys = () =>
  [
    Object.getOwnPropertyNames(Object.prototype),
    Object.getOwnPropertyNames(Array.prototype),
    Object.getOwnPropertyNames(Function.prototype),
  ].map((k) => k.sort().join());
let before: string[];

beforeAll(async () => {
  before = protoKeys();
  let url: string;
  ({ server, url } = await startInProcess());
  s = await socketTo(url, 'pp');
});
afterAll(async () => {
  s?.close();
  await server?.drain();
});

const clock = new Hlc('pp');
let n = 0;
const put = (space: string, table: string, id: string, fields: unknown, unset?: string[]) => ({
  kind: 'put',
  opId: `pp:${++n}`,
  space,
  table,
  id,
  hlc: clock.now(),
  fields,
  ...(unset ? { unset } : {}),
});
const own = (json: string) => JSON.parse(json) as Record<string, unknown>; // JSON.parse makes `__proto__` an own key

function expectClean(): void {
  expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  expect(([] as unknown as Record<string, unknown>).polluted).toBeUndefined();
  expect(protoKeys()).toEqual(before);
}

describe('prototype pollution', () => {
  it('stores records named and shaped like Object.prototype members as plain data', async () => {
    const fields = {
      constructor: { prototype: { polluted: true } },
      prototype: { polluted: true },
      toString: 'not a function',
      hasOwnProperty: 1,
      valueOf: null,
      __defineGetter__: ['x'],
      nested: { constructor: { polluted: 1 } },
    };
    const changes = [
      put('constructor', '__proto__', '__proto__', fields, ['__proto__', 'polluted']),
      put('__proto__', 'constructor', 'prototype', fields),
      { kind: 'delete', opId: `pp:${++n}`, space: 'constructor', table: 'prototype', id: 'constructor', hlc: clock.now() },
    ];
    const reply = (await s.emitWithAck('push', { changes })) as PushReply;
    expect(reply.results.map((r) => r.status)).toEqual(['ok', 'ok', 'ok']);
    expectClean();

    for (const space of ['constructor', '__proto__']) {
      expect(await s.emitWithAck('subscribe', { spaces: [space] })).toMatchObject({ spaces: expect.arrayContaining([space]) });
      const pulled = (await s.emitWithAck('pull', { space })) as PullReply;
      const rec = pulled.records.find((r) => r.table !== 'prototype')!;
      expect(materialize(rec.state)).toEqual(fields);
    }
    const tomb = ((await s.emitWithAck('pull', { space: 'constructor' })) as PullReply).records.find((r) => r.table === 'prototype');
    expect(tomb?.state.del).toBeTruthy();
    expectClean();
  });

  it('refuses own `__proto__` keys on every event with INVALID_MESSAGE and keeps serving', async () => {
    const attempts: [string, unknown][] = [
      ['push', { changes: [put('s', 't', 'a', own('{"__proto__":{"polluted":true}}'))] }],
      ['push', { changes: [put('s', 't', 'b', { deep: [own('{"x":{"__proto__":{"polluted":true}}}')] })] }],
      ['push', own('{"changes":[],"__proto__":{"polluted":true}}')],
      ['pull', own('{"space":"s","__proto__":{"polluted":true}}')],
      ['subscribe', own('{"spaces":["s"],"__proto__":{"polluted":true}}')],
      ['unsubscribe', own('{"spaces":["s"],"__proto__":{"polluted":true}}')],
      // (JSON `update`: socket.io-client's binary encoder would itself drop an own `__proto__` key before sending.)
      ['awareness', own('{"space":"s","doc":"d","update":[1],"__proto__":{"polluted":true}}')],
      ['no-such-event', own('{"__proto__":{"polluted":true}}')],
    ];
    for (const [event, payload] of attempts) {
      const reply = (await s.emitWithAck(event, payload)) as ErrorReply;
      expect(reply.error?.code, event).toBe('INVALID_MESSAGE');
      expectClean();
    }
    const ok = (await s.emitWithAck('push', { changes: [put('s', 't', 'fine', { v: 1 })] })) as PushReply;
    expect(ok.results[0]!.status).toBe('ok');
    expectClean();
  });
});
