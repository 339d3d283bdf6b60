import { describe, expect, it } from 'vitest';
import { ChangeSchema, HandshakeSchema, PushRequestSchema } from './protocol.js';
import { encodeHlc } from './hlc.js';
import { SyncError, toSyncError } from './errors.js';

const hlc = encodeHlc({ ms: 1, counter: 0, node: 'c1' });

describe('protocol schemas', () => {
  it('accepts a well-formed put, delete and yjs change', () => {
    expect(
      ChangeSchema.safeParse({
        kind: 'put',
        opId: 'c1:1',
        space: 's',
        table: 't',
        id: 'r',
        hlc,
        fields: { a: 1, b: { c: [1, 'x', null] } },
      }).success,
    ).toBe(true);
    expect(ChangeSchema.safeParse({ kind: 'delete', opId: 'c1:2', space: 's', table: 't', id: 'r', hlc }).success).toBe(true);
    expect(ChangeSchema.safeParse({ kind: 'yjs', opId: 'c1:3', space: 's', doc: 'd', update: new Uint8Array([1, 2]) }).success).toBe(true);
  });
  it('rejects wrong shapes, bad op ids, bad stamps and extra keys', () => {
    const bad = [
      { kind: 'put', opId: 'nocounter', space: 's', table: 't', id: 'r', hlc, fields: {} },
      { kind: 'put', opId: 'c1:1', space: '', table: 't', id: 'r', hlc, fields: {} },
      { kind: 'put', opId: 'c1:1', space: 's', table: 't', id: 'r', hlc: 'tomorrow', fields: {} },
      { kind: 'put', opId: 'c1:1', space: 's', table: 't', id: 'r', hlc, fields: { a: undefined, f: () => 1 } },
      { kind: 'delete', opId: 'c1:1', space: 's', table: 't', id: 'r', hlc, extra: 1 },
      { kind: 'yjs', opId: 'c1:1', space: 's', doc: 'd', update: 'not bytes' },
      { kind: 'drop-table', opId: 'c1:1' },
      null,
      42,
    ];
    for (const b of bad) expect(ChangeSchema.safeParse(b).success, JSON.stringify(b)).toBe(false);
    expect(PushRequestSchema.safeParse({ changes: [] }).success).toBe(false);
  });
  it('validates the handshake', () => {
    expect(HandshakeSchema.safeParse({ clientId: 'c1', protocol: 1 }).success).toBe(true);
    expect(HandshakeSchema.safeParse({ clientId: 'c:1', protocol: 1 }).success).toBe(false);
  });
});

describe('SyncError', () => {
  it('round-trips through the wire form with its code and retryability', () => {
    const e = SyncError.fromWire(new SyncError('NOT_ENOUGH_REPLICAS', 'need 3').toWire());
    expect(e).toBeInstanceOf(SyncError);
    expect(e.code).toBe('NOT_ENOUGH_REPLICAS');
    expect(e.retryable).toBe(true);
    expect(new SyncError('FORBIDDEN', 'no').retryable).toBe(false);
  });
  it('normalizes anything thrown to INTERNAL', () => {
    expect(toSyncError(new TypeError('boom')).code).toBe('INTERNAL');
    expect(toSyncError('str').message).toBe('str');
  });
});
