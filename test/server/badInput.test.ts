/**
 * Client input never crashes the server: wrong shapes, unknown events,
 * oversized batches/records, junk values and requests without an ack
 * callback get typed error replies (or are ignored), and another client on
 * the same server keeps working throughout.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_LIMITS, type ErrorReply, type PushReply } from '@syncline/shared';
import type { Socket } from 'socket.io-client';
import { spawnServer, type SpawnedServer } from '../helpers/spawnServer.js';
import { connectClient, makeClient, request } from '../helpers/syncClient.js';
import { ChangeMaker } from '../helpers/changes.js';

let srv: SpawnedServer;
let bystander: Socket;
const maker = new ChangeMaker('good');

beforeAll(async () => {
  srv = await spawnServer({ args: ['--server-id', 'bad-input'] });
  bystander = await connectClient(srv.url, { clientId: 'good' });
});
afterAll(async () => {
  bystander?.close();
  await srv?.kill('SIGKILL');
});

async function stillServes(): Promise<void> {
  const reply = await request<PushReply>(bystander, 'push', { changes: [maker.put('s', maker.nextOpId(), { ok: true })] });
  expect(reply.results[0]!.status).toBe('ok');
  expect(srv.proc.exitCode).toBeNull();
}

function connectError(auth: unknown): Promise<{ message: string; data?: { code: string } }> {
  const s = makeClient(srv.url, { auth });
  return new Promise((resolve, reject) => {
    s.once('connect', () => reject(new Error('connected')));
    s.once('connect_error', (err) => {
      s.close();
      resolve(err as never);
    });
  });
}

/** The code of a push's only op (bad changes are refused per op). */
const opError = (r: PushReply) => r.results[0]!.error?.code;

describe('bad input', () => {
  it('refuses a bad handshake with typed connect errors', async () => {
    expect((await connectError({ clientId: 'x', protocol: 999 })).data).toMatchObject({ code: 'PROTOCOL_VERSION', retryable: false });
    expect((await connectError({ protocol: 1 })).data).toMatchObject({ code: 'INVALID_MESSAGE' });
    expect((await connectError({ clientId: 'a:b', protocol: 1 })).data).toMatchObject({ code: 'INVALID_MESSAGE' });
    expect((await connectError({})).data).toMatchObject({ code: 'INVALID_MESSAGE' });
    expect((await connectError({ clientId: 5, protocol: '1', token: { a: 1 } })).data).toMatchObject({ code: 'INVALID_MESSAGE' });
    await stillServes();
  });

  it('answers wrong shapes with INVALID_MESSAGE on every event', async () => {
    const s = await connectClient(srv.url, { clientId: 'bad1' });
    const junk: unknown[] = [
      undefined,
      null,
      42,
      'push',
      [],
      { changes: [] },
      { changes: [{ kind: 'put' }] },
      { changes: 'x' },
      { space: 5 },
    ];
    for (const event of ['push', 'pull', 'subscribe', 'unsubscribe']) {
      for (const payload of junk) {
        const reply = await request<ErrorReply & Partial<PushReply>>(s, event, payload);
        // A valid push envelope with a bad change: that change is refused on its own (per op).
        const error = event === 'push' && reply.results ? reply.results[0]!.error : reply.error;
        expect(error, `${event} ${JSON.stringify(payload)}`).toMatchObject({ code: 'INVALID_MESSAGE', retryable: false });
      }
    }
    const badHlc = { ...maker.put('s', 'h', { v: 1 }), hlc: 'yesterday' };
    expect(opError(await request<PushReply>(s, 'push', { changes: [badHlc] }))).toBe('INVALID_MESSAGE');
    const extra = { ...maker.put('s', 'e', { v: 1 }), sneaky: true };
    expect(opError(await request<PushReply>(s, 'push', { changes: [extra] }))).toBe('INVALID_MESSAGE');
    expect((await request<ErrorReply>(s, 'pull', { space: 's', cursor: 'garbage' })).error.code).toBe('INVALID_MESSAGE');
    // Binary where JSON is expected, and JSON where binary is expected.
    const bin = {
      kind: 'put',
      opId: 'bad1:1',
      space: 's',
      table: 't',
      id: 'i',
      hlc: maker.clock.now(),
      fields: { b: new Uint8Array([1, 2]) },
    };
    expect(opError(await request<PushReply>(s, 'push', { changes: [bin] }))).toBe('INVALID_MESSAGE');
    const yjs = { kind: 'yjs', opId: 'bad1:2', space: 's', doc: 'd', update: [1, 2, 3] };
    expect(opError(await request<PushReply>(s, 'push', { changes: [yjs] }))).toBe('INVALID_MESSAGE');
    s.close();
    await stillServes();
  });

  it('rejects an oversized batch as a whole and an oversized or corrupt change per op', async () => {
    const s = await connectClient(srv.url, { clientId: 'big' });
    const m = new ChangeMaker('big');
    const many = Array.from({ length: DEFAULT_LIMITS.maxBatch + 1 }, (_, i) => m.put('s', `k${i}`, { i }));
    const tooMany = await request<ErrorReply>(s, 'push', { changes: many });
    expect(tooMany.error).toMatchObject({ code: 'PAYLOAD_TOO_LARGE', retryable: false });

    const huge = m.put('s', 'huge', { blob: 'x'.repeat(DEFAULT_LIMITS.maxRecordBytes + 1) });
    const fine = m.put('s', 'fine', { v: 1 });
    const corrupt = { kind: 'yjs', opId: m.nextOpId(), space: 's', doc: 'd', update: new Uint8Array([255, 255, 255, 255, 255, 1]) };
    const reply = await request<PushReply>(s, 'push', { changes: [huge, fine, corrupt] });
    expect(reply.results.map((r) => [r.status, r.error?.code])).toEqual([
      ['rejected', 'PAYLOAD_TOO_LARGE'],
      ['ok', undefined],
      ['rejected', 'INVALID_UPDATE'],
    ]);
    s.close();
    await stillServes();
  });

  it('answers unknown events with UNKNOWN_EVENT and ignores requests without an ack', async () => {
    const s = await connectClient(srv.url, { clientId: 'odd' });
    expect((await request<ErrorReply>(s, 'drop_tables', { please: true })).error).toMatchObject({ code: 'UNKNOWN_EVENT' });
    expect((await request<ErrorReply>(s, '__proto__', null)).error.code).toBe('UNKNOWN_EVENT');
    s.emit('nonsense', 1, 2, 3); // no ack: nothing to answer
    const odd = new ChangeMaker('odd');
    s.emit('push', { changes: [odd.put('s', 'noack', { v: 1 })] }); // no ack: dropped
    s.emit('pull');
    s.emit('subscribe', 'x', 'y');
    // The same connection still works afterwards.
    const ok = await request<PushReply>(s, 'push', { changes: [odd.put('s', 'later', { v: 1 })] });
    expect(ok.results[0]!.status).toBe('ok');
    s.close();
    await stillServes();
  });

  it('closes a connection that sends a message over the size limit, and only that one', async () => {
    const s = await connectClient(srv.url, { clientId: 'flood' });
    const closed = new Promise((resolve) => s.once('disconnect', resolve));
    s.emit('push', { changes: [{ blob: 'x'.repeat(DEFAULT_LIMITS.maxMessageBytes + 10) }] }, () => {});
    await closed;
    await stillServes();
  });
});
