import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { changeToState } from './changes.js';
import { encodeHlc } from './hlc.js';
import { canonicalJson } from './json.js';
import { materialize, mergeRecord, type RecordState } from './merge.js';
import { testSeed } from './testSeed.js';

const stamp = fc
  .record({ ms: fc.integer({ min: 0, max: 50 }), counter: fc.integer({ min: 0, max: 3 }), node: fc.constantFrom('a', 'b', 'c') })
  .map(encodeHlc);
const fieldName = fc.constantFrom('title', 'done', 'n', '__proto__', 'constructor');
const value = fc.oneof(fc.integer(), fc.string({ maxLength: 3 }), fc.boolean(), fc.constant(null));

const state: fc.Arbitrary<RecordState> = fc
  .record({
    entries: fc.array(fc.tuple(fieldName, stamp, fc.option(value, { nil: undefined })), { maxLength: 5 }),
    del: fc.option(stamp, { nil: undefined }),
  })
  .map(({ entries, del }) => {
    let s: RecordState = { fields: Object.create(null) };
    for (const [name, t, v] of entries) {
      s = mergeRecord(s, changeToState(v === undefined
        ? { kind: 'put', opId: 'x:1', space: 's', table: 't', id: 'i', hlc: t, fields: {}, unset: [name] }
        : { kind: 'put', opId: 'x:1', space: 's', table: 't', id: 'i', hlc: t, fields: { [name]: v } }));
    }
    if (del !== undefined) s = mergeRecord(s, { fields: Object.create(null), del });
    return s;
  });

const eq = (a: RecordState, b: RecordState) => canonicalJson(a) === canonicalJson(b);
const runs = { numRuns: 2000 };

describe('mergeRecord', () => {
  it('is commutative', () => {
    fc.assert(fc.property(state, state, (a, b) => eq(mergeRecord(a, b), mergeRecord(b, a))), { ...runs, seed: testSeed('merge commutative') });
  });
  it('is associative', () => {
    fc.assert(
      fc.property(state, state, state, (a, b, c) => eq(mergeRecord(mergeRecord(a, b), c), mergeRecord(a, mergeRecord(b, c)))),
      { ...runs, seed: testSeed('merge associative') },
    );
  });
  it('is idempotent', () => {
    fc.assert(fc.property(state, (a) => eq(mergeRecord(a, a), a)), { ...runs, seed: testSeed('merge idempotent') });
  });
  it('converges whatever order changes arrive in', () => {
    fc.assert(
      fc.property(fc.array(state, { minLength: 1, maxLength: 6 }), fc.nat(), (states, rot) => {
        const fold = (xs: RecordState[]) => xs.reduce(mergeRecord, { fields: Object.create(null) } as RecordState);
        const shuffled = [...states.slice(rot % states.length), ...states.slice(0, rot % states.length)].reverse();
        return eq(fold(states), fold(shuffled));
      }),
      { ...runs, seed: testSeed('merge order') },
    );
  });
});

describe('field-level last-writer-wins', () => {
  const put = (hlc: string, fields: Record<string, unknown>) =>
    changeToState({ kind: 'put', opId: 'c:1', space: 's', table: 't', id: 'r', hlc, fields: fields as never });
  const t = (ms: number, node = 'a') => encodeHlc({ ms, counter: 0, node });

  it('keeps the newer value per field, independently', () => {
    const merged = mergeRecord(put(t(1), { title: 'old', done: true }), put(t(2), { title: 'new' }));
    expect(materialize(merged)).toEqual({ title: 'new', done: true });
  });
  it('breaks equal-time ties by node id', () => {
    const merged = mergeRecord(put(t(5, 'b'), { title: 'from b' }), put(t(5, 'a'), { title: 'from a' }));
    expect(materialize(merged)).toEqual({ title: 'from b' });
  });
  it('a delete hides older fields and a later write resurrects with newer fields only', () => {
    let s = put(t(1), { title: 'x', done: false });
    s = mergeRecord(s, { fields: Object.create(null), del: t(2) });
    expect(materialize(s)).toBeNull();
    s = mergeRecord(s, put(t(3), { title: 'back' }));
    expect(materialize(s)).toEqual({ title: 'back' });
  });
  it('an unset field disappears from the record', () => {
    const s = mergeRecord(put(t(1), { title: 'x', note: 'n' }), changeToState({ kind: 'put', opId: 'c:2', space: 's', table: 't', id: 'r', hlc: t(2), fields: {}, unset: ['note'] }));
    expect(materialize(s)).toEqual({ title: 'x' });
  });
  it('keeps __proto__ as plain data without polluting prototypes', () => {
    const s = put(t(1), JSON.parse('{"__proto__": {"polluted": true}, "title": "p"}'));
    const view = materialize(s)!;
    expect(Object.keys(view).sort()).toEqual(['__proto__', 'title']);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });
});
