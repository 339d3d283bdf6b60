/**
 * Hostile-input limits against a real server process with small configured
 * limits: batch size, record size, message size, subscriptions, message
 * rate (token bucket, RATE_LIMITED retryable), JSON depth; malformed Yjs
 * updates; far-future HLC stamps re-stamped and not winning later writes.
 * Each refusal is typed, and a bystander keeps working throughout.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Socket } from 'socket.io-client';
import { Hlc, materialize, type ErrorReply, type PullReply, type PushReply, type WireError } from '@syncline/shared';
import { spawnServer, type SpawnedServer } from '../helpers/spawnServer.js';
import { connectClient, request } from '../helpers/syncClient.js';
import { SecMaker, yjsUpdate } from './support/changes.js';
import { sleep } from './support/connect.js';

let srv: SpawnedServer;
let bystander: Socket;
const good = new SecMaker('good');
const LIMITS = [
  '--max-batch',
  '5',
  '--max-record-bytes',
  '2000',
  '--max-message-bytes',
  '100000',
  '--max-subscriptions',
  '3',
  '--rate-limit',
  '50',
  '--rate-burst',
  '50',
  '--max-json-depth',
  '10',
];

beforeAll(async () => {
  srv = await spawnServer({ args: [...LIMITS, '--max-clock-skew-ms', '60000'] });
  bystander = await connectClient(srv.url, { clientId: 'good' });
});
afterAll(async () => {
  bystander?.close();
  await srv?.kill('SIGKILL');
});

async function stillServes(): Promise<void> {
  const reply = await request<PushReply>(bystander, 'push', { changes: [good.put('s', good.nextOpId(), { ok: true })] });
  expect(reply.results[0]!.status).toBe('ok');
  expect(srv.proc.exitCode).toBeNull();
}

const errorOf = (r: unknown) => (r as ErrorReply).error;
const connect = (id: string) => connectClient(srv.url, { clientId: id });

describe('configured limits', () => {
  it('reports them in welcome', () => {
    expect((bystander as Socket & { welcome: { limits: Record<string, number> } }).welcome.limits).toMatchObject({
      maxBatch: 5,
      maxRecordBytes: 2000,
      maxMessageBytes: 100000,
      maxSubscriptions: 3,
      messagesPerSec: 50,
      messageBurst: 50,
      maxJsonDepth: 10,
    });
  });

  it('batch, record, subscription and depth limits answer typed errors', async () => {
    const s = await connect('lim');
    const m = new SecMaker('lim');
    const six = Array.from({ length: 6 }, (_, i) => m.put('s', `k${i}`, { i }));
    expect(errorOf(await request(s, 'push', { changes: six }))).toMatchObject({
      code: 'PAYLOAD_TOO_LARGE',
      retryable: false,
      details: { maxBatch: 5 },
    });

    const big = m.put('s', 'big', { text: 'x'.repeat(2500) });
    const bigDoc = { kind: 'yjs', opId: m.nextOpId(), space: 's', doc: 'd', update: yjsUpdate('y'.repeat(2500)) };
    const small = m.put('s', 'small', { v: 1 });
    const reply = await request<PushReply>(s, 'push', { changes: [big, bigDoc, small] });
    expect(reply.results.map((r) => r.error?.code ?? r.status)).toEqual(['PAYLOAD_TOO_LARGE', 'PAYLOAD_TOO_LARGE', 'ok']);
    expect(errorOf(await request(s, 'awareness', { space: 's', doc: 'd', update: new Uint8Array(2500) })).code).toBe('PAYLOAD_TOO_LARGE');

    expect(await request(s, 'subscribe', { spaces: ['a', 'b', 'c'] })).toEqual({ spaces: ['a', 'b', 'c'] });
    expect(errorOf(await request(s, 'subscribe', { spaces: ['d'] })).code).toBe('INVALID_MESSAGE');
    expect(await request(s, 'unsubscribe', { spaces: ['a'] })).toEqual({ spaces: ['b', 'c'] });
    expect(await request(s, 'subscribe', { spaces: ['d'] })).toEqual({ spaces: ['b', 'c', 'd'] });

    let deep: unknown = 1;
    for (let i = 0; i < 20; i++) deep = { d: deep };
    expect(errorOf(await request(s, 'push', { changes: [m.put('s', 'deep', { deep: deep as never })] })).code).toBe('INVALID_MESSAGE');
    let ok: unknown = 1;
    for (let i = 0; i < 4; i++) ok = [ok];
    expect((await request<PushReply>(s, 'push', { changes: [m.put('s', 'shallow', { ok: ok as never })] })).results[0]!.status).toBe('ok');
    s.close();
    await stillServes();
  });

  it('closes a connection that sends a message over maxMessageBytes', async () => {
    const s = await connect('huge');
    const closed = new Promise<string>((r) => s.once('disconnect', r));
    s.emit('awareness', { space: 's', doc: 'd', update: new Uint8Array(150_000) });
    expect(await closed).toMatch(/transport close|transport error/);
    await stillServes();
  });

  it('rate-limits a connection with retryable RATE_LIMITED and recovers', async () => {
    const s = await connect('fast');
    const replies = await Promise.all(Array.from({ length: 120 }, () => request<unknown>(s, 'pull', { space: 's', limit: 1 })));
    const limited = replies.filter((r) => errorOf(r)?.code === 'RATE_LIMITED').map(errorOf) as WireError[];
    expect(limited.length).toBeGreaterThanOrEqual(60);
    expect(limited.length).toBeLessThanOrEqual(70);
    expect(limited[0]).toMatchObject({ retryable: true, details: { retryInMs: expect.any(Number) } });
    await sleep(1100);
    expect((await request<PullReply>(s, 'pull', { space: 's', limit: 1 })).space).toBe('s');
    // Other connections have their own bucket.
    await stillServes();
    s.close();
  });

  it('disconnects a connection that floods far past its limit, unknown events included', async () => {
    const s = await connect('flood2');
    const closed = new Promise<string>((r) => s.once('disconnect', r));
    for (let i = 0; i < 10_200; i++) s.emit(i % 2 ? 'no-such-event' : 'pull', { space: 's' });
    expect(await closed).toBe('io server disconnect');
    await stillServes();
  });
});

describe('hostile content', () => {
  it('rejects malformed Yjs updates per op', async () => {
    const s = await connect('ydoc');
    const m = new SecMaker('ydoc');
    const junk = [new Uint8Array([255, 255, 255, 255, 255, 1]), new Uint8Array([1, 2, 3, 4]), new Uint8Array(0)];
    const changes = [...junk.map((update) => ({ kind: 'yjs', opId: m.nextOpId(), space: 's', doc: 'd', update })), m.yjs('s', 'd', 'fine')];
    const reply = await request<PushReply>(s, 'push', { changes });
    expect(reply.results.map((r) => r.error?.code ?? r.status)).toEqual(['INVALID_UPDATE', 'INVALID_UPDATE', 'INVALID_UPDATE', 'ok']);
    s.close();
  });

  it('re-stamps a far-future HLC so it cannot win later writes', async () => {
    const s = await connect('future');
    const future = new Hlc('future', { now: () => Date.now() + 365 * 86_400_000 });
    const change = {
      kind: 'put',
      opId: 'future:1',
      space: 'skew',
      table: 't',
      id: 'r',
      hlc: future.now(),
      fields: { v: 'from the future' },
    };
    const reply = await request<PushReply>(s, 'push', { changes: [change] });
    expect(reply.results[0]).toMatchObject({ status: 'ok', hlc: expect.any(String) });
    expect(reply.results[0]!.hlc).not.toBe(change.hlc);
    await sleep(5);
    const later = new SecMaker('later');
    const l = await connect('later');
    expect((await request<PushReply>(l, 'push', { changes: [later.put('skew', 'r', { v: 'now' }, 't')] })).results[0]!.status).toBe('ok');
    const pulled = await request<PullReply>(l, 'pull', { space: 'skew' });
    expect(materialize(pulled.records[0]!.state)).toEqual({ v: 'now' });
    s.close();
    l.close();
  });
});
