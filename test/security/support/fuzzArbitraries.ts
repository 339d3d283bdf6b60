/**
 * fast-check arbitraries for the protocol fuzz test: random values, valid
 * messages of every event, and valid messages with one to three mutations
 * (keys dropped, replaced, added — `__proto__`, `constructor` included —
 * strings blown up, binary and JSON swapped, kinds changed).
 */
import fc from 'fast-check';
import { encodeHlc } from '@syncline/shared';
import { awarenessUpdate, yjsUpdate } from './changes.js';

export const FUZZ_CLIENT = 'fz';
// Valid values (edge cases come from the mutations and `junk` below).
const spaces = fc.constantFrom('f1', 'f1', 'f1', 'f2', 'f3', 'good', '__proto__', 'constructor', '*');
const names = fc.oneof(
  fc.constantFrom('t', 'id-1', '__proto__', 'constructor', 'prototype', 'toString'),
  fc.string({ minLength: 1, maxLength: 20 }),
);
const hlc = fc
  .record({
    ms: fc.oneof(fc.constant(Date.now()), fc.integer({ min: 0, max: 999_999_999_999_999 })),
    counter: fc.integer({ min: 0, max: 999_999 }),
    node: fc.constantFrom(FUZZ_CLIENT, 'x', 'srv'),
  })
  .map(encodeHlc);
const opId = fc.nat({ max: 1_000_000 }).map((n) => `${FUZZ_CLIENT}:${n}`);
const bytes = fc.oneof(
  fc.uint8Array({ maxLength: 64 }),
  fc.string({ maxLength: 16 }).map((t) => yjsUpdate(t)),
  fc.constant(new Uint8Array(0)),
  fc.nat({ max: 127 }).map((id) => awarenessUpdate(id)),
);
const fieldValue = fc.jsonValue({ maxDepth: 3 });
const badValue = fc.oneof(fc.string({ maxLength: 40 }), fc.constantFrom('', 'x'.repeat(300), 'other:1', 'fz', 'fz:-1'), fc.integer());
const fields = fc.dictionary(names, fieldValue, { maxKeys: 5 });

const put = fc.record(
  { kind: fc.constant('put'), opId, space: spaces, table: names, id: names, hlc, fields },
  { requiredKeys: ['kind', 'opId', 'space', 'table', 'id', 'hlc', 'fields'] },
);
const del = fc.record({ kind: fc.constant('delete'), opId, space: spaces, table: names, id: names, hlc });
const doc = fc.record({ kind: fc.constant('yjs'), opId, space: spaces, doc: names, update: bytes });
const change = fc.oneof(put, del, doc);
const ack = fc.constantFrom('sync', 'semi-sync', 'async', 'none');

export const validPayload: Record<string, fc.Arbitrary<Record<string, unknown>>> = {
  push: fc.record({ changes: fc.array(change, { minLength: 1, maxLength: 6 }), ack }, { requiredKeys: ['changes'] }),
  pull: fc.record(
    {
      space: spaces,
      cursor: fc.oneof(fc.constant(null), fc.constantFrom('n1:0', 'n2:5', 'n9:1')),
      limit: fc.integer({ min: 1, max: 2000 }),
    },
    { requiredKeys: ['space'] },
  ),
  subscribe: fc.record({ spaces: fc.array(spaces, { minLength: 1, maxLength: 5 }) }),
  unsubscribe: fc.record({ spaces: fc.array(spaces, { minLength: 1, maxLength: 5 }) }),
  awareness: fc.record({ space: spaces, doc: names, update: bytes }),
};

/** Anything at all: JSON, binary, deep, odd numbers. */
const junk: fc.Arbitrary<unknown> = fc.oneof(
  fc.jsonValue({ maxDepth: 4 }),
  fc.anything({ maxDepth: 3, withTypedArray: true, withNullPrototype: true, withBoxedValues: false }),
  fc.uint8Array({ maxLength: 256 }),
  fc.constantFrom(undefined, null, NaN, Infinity, -0, '', [], {}, 1e308),
  fc.integer({ min: 20, max: 200 }).map((d) => {
    let v: unknown = 1;
    for (let i = 0; i < d; i++) v = i % 2 ? [v] : { d: v };
    return v;
  }),
);

type Mutation = (v: Record<string, unknown>) => unknown;
const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  fc.constant<Mutation>((v) => ({ ...v, changes: undefined })),
  junk.map<Mutation>((j) => (v) => ({ ...v, [Object.keys(v)[0] ?? 'x']: j })),
  fc.tuple(fc.constantFrom('__proto__', 'constructor', 'prototype', 'extra', 'kind'), junk).map<Mutation>(([k, j]) => (v) => {
    const out: Record<string, unknown> = { ...v };
    Object.defineProperty(out, k, { value: j, enumerable: true, writable: true, configurable: true });
    return out;
  }),
  fc.constant<Mutation>((v) => JSON.parse(JSON.stringify(v, (_k, x: unknown) => (x instanceof Uint8Array ? [...x] : x)))),
  fc.constant<Mutation>((v) => {
    const changes = v.changes;
    return Array.isArray(changes)
      ? { ...v, changes: changes.map((c: Record<string, unknown>) => ({ ...c, kind: c?.kind === 'put' ? 'yjs' : 'put' })) }
      : v;
  }),
  fc.nat({ max: 4 }).map<Mutation>((i) => (v) => {
    const changes = v.changes as Record<string, unknown>[] | undefined;
    if (!Array.isArray(changes) || !changes[i % changes.length] || typeof changes[i % changes.length] !== 'object') return v;
    const c = { ...changes[i % changes.length]! };
    delete c[Object.keys(c)[i % Object.keys(c).length]!];
    return { ...v, changes: changes.map((x, j) => (j === i % changes.length ? c : x)) };
  }),
  fc.constant<Mutation>((v) => ({ ...v, changes: Array.from({ length: 600 }, () => (Array.isArray(v.changes) ? v.changes[0] : 1)) })),
  fc
    .tuple(fc.constantFrom('opId', 'hlc', 'space', 'table', 'id', 'doc', 'kind', 'cursor', 'limit'), badValue)
    .map<Mutation>(([k, bad]) => (v) => {
      if (!Array.isArray(v.changes)) return { ...v, [k]: bad };
      return { ...v, changes: v.changes.map((c: unknown, i: number) => (i === 0 && c && typeof c === 'object' ? { ...c, [k]: bad } : c)) };
    }),
  fc.constant<Mutation>((v) => [v]),
  fc.constant<Mutation>((v) => JSON.stringify(v)),
);

const mutated = (event: string) =>
  fc
    .tuple(validPayload[event]!, fc.array(mutation, { minLength: 1, maxLength: 3 }))
    .map(([v, ms]) =>
      ms.reduce<unknown>((acc, m) => (acc && typeof acc === 'object' && !Array.isArray(acc) ? m(acc as Record<string, unknown>) : acc), v),
    );

export const KNOWN_EVENTS = Object.keys(validPayload);
// (socket.io-client refuses its reserved names — connect, disconnect, newListener… — so rawFrames.ts sends those.)
const otherEvents = fc.oneof(
  fc.constantFrom('error', 'welcome', 'poke', 'drain', 'replicated', 'sync_error', '__proto__', 'constructor', 'hasOwnProperty'),
  fc.string({ maxLength: 30 }),
);

export interface FuzzCase {
  event: string;
  payload: unknown;
  /** Extra arguments between the payload and the ack. */
  extra: unknown[];
  /** How the message is sent: with an ack callback, without, or the ack as the only argument. */
  shape: 'ack' | 'noAck' | 'ackOnly';
}

export const fuzzCase: fc.Arbitrary<FuzzCase> = fc
  .tuple(
    fc.oneof({ weight: 8, arbitrary: fc.constantFrom(...KNOWN_EVENTS) }, { weight: 1, arbitrary: otherEvents }),
    fc.nat({ max: 9 }),
    fc.array(junk, { maxLength: 2 }),
    fc.constantFrom<FuzzCase['shape']>('ack', 'ack', 'ack', 'ack', 'ack', 'ack', 'noAck', 'ackOnly'),
  )
  .chain(([event, kind, extra, shape]) => {
    const known = Object.hasOwn(validPayload, event);
    // 40% valid, 40% mutated valid, 20% junk (for known events).
    const payload = !known || kind >= 8 ? junk : kind < 4 ? validPayload[event]! : mutated(event);
    return payload.map((p) => ({ event, payload: p, extra: kind === 9 ? extra : [], shape }));
  });
