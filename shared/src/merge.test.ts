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
      s = mergeRecord(
        s,
        changeToState(
          v === undefined
            ? { kind: 'put', opId: 'x:1', space: 's', table: 't', id: 'i', hlc: t, fields: {}, unset: [name] }
            : { kind: 'put', opId: 'x:1', space: 's', table: 't', id: 'i', hlc: t, fields: { [name]: v } },
        ),
      );
    }
    if (del !== undefined) s = mergeRecord(s, { fields: Object.create(null), del });
    return s;
  });

const eq = (a: RecordState, b: RecordState) => canonicalJson(a) === canonicalJson(b);
const runs = { numRuns: 2000 };

describe('mergeRecord', () => {
  it('is commutative', () => {
    fc.assert(
      fc.property(state, state, (a, b) => eq(mergeRecord(a, b), mergeRecord(b, a))),
      { ...runs, seed: testSeed('merge commutative') },
    );
  });
  it('is associative', () => {
    fc.assert(
      fc.property(state, state, state, (a, b, c) => eq(mergeRecord(mergeRecord(a, b), c), mergeRecord(a, mergeRecord(b, c)))),
      { ...runs, seed: testSeed('merge associative') },
    );
  });
  it('is idempotent', () => {
    fc.assert(
      fc.property(state, (a) => eq(mergeRecord(a, a), a)),
      { ...runs, seed: testSeed('merge idempotent') },
    );
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
    const s = mergeRecord(
      put(t(1), { title: 'x', note: 'n' }),
      changeToState({ kind: 'put', opId: 'c:2', space: 's', table: 't', id: 'r', hlc: t(2), fields: {}, unset: ['note'] }),
    );
    expect(materialize(s)).toEqual({ title: 'x' });
  });
  it('keeps __proto__ as plain data without polluting prototypes', () => {
    const s = put(t(1), JSON.parse('{"__proto__": {"polluted": true}, "title": "p"}'));
    const view = materialize(s)!;
    expect(Object.keys(view).sort()).toEqual(['__proto__', 'title']);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });
});

/**
 * Tombstone properties against sequential replay: ops with distinct stamps,
 * merged in any order, show what applying them one by one in stamp order
 * shows. Mutation caught: `mergeRecord` keeping the oldest tombstone
 * (`a.del > b.del ? b.del : a.del`) — fields written between two deletes
 * come back (both properties fail within a few runs).
 */
describe('tombstones (properties)', () => {
  type Op = { kind: 'put'; field: string; v: number } | { kind: 'del' };
  const opArb: fc.Arbitrary<Op> = fc.oneof(
    fc.record({ kind: fc.constant('put' as const), field: fc.constantFrom('a', 'b', 'c'), v: fc.integer({ min: 0, max: 9 }) }),
    fc.constant({ kind: 'del' as const }),
  );
  const stampOf = (i: number) => encodeHlc({ ms: 1000 + i, counter: 0, node: 'n' });
  const stateOf = (op: Op, i: number): RecordState =>
    op.kind === 'del'
      ? { fields: Object.create(null), del: stampOf(i) }
      : changeToState({ kind: 'put', opId: `n:${i}`, space: 's', table: 't', id: 'r', hlc: stampOf(i), fields: { [op.field]: op.v } });
  /** Sequential replay in stamp order (index order): the reference. */
  const replay = (ops: Op[]): Record<string, number> | null => {
    let row: Record<string, number> | null = null;
    for (const op of ops) row = op.kind === 'del' ? null : { ...(row ?? {}), [op.field]: op.v };
    return row;
  };
  const mergedInOrder = (ops: Op[], order: number[]) =>
    materialize(order.reduce((s, i) => mergeRecord(s, stateOf(ops[i]!, i)), { fields: Object.create(null) } as RecordState));

  it('the newest tombstone wins, whatever order the deletes arrive in', () => {
    fc.assert(
      fc.property(fc.array(opArb, { minLength: 1, maxLength: 8 }), fc.array(fc.nat(), { minLength: 1, maxLength: 8 }), (ops, keys) => {
        const withDeletes: Op[] = [{ kind: 'del' }, ...ops, { kind: 'del' }];
        const order = withDeletes.map((_, i) => i).sort((x, y) => keys[x % keys.length]! - keys[y % keys.length]! || y - x);
        const merged = order.reduce((s, i) => mergeRecord(s, stateOf(withDeletes[i]!, i)), { fields: Object.create(null) } as RecordState);
        return merged.del === stampOf(withDeletes.length - 1) && materialize(merged) === null;
      }),
      { ...runs, seed: testSeed('newest tombstone wins') },
    );
  });

  it('delete after recreate: any sequence of puts and deletes, merged in any order, equals replay in stamp order', () => {
    fc.assert(
      fc.property(fc.array(opArb, { minLength: 1, maxLength: 10 }), fc.array(fc.nat(), { minLength: 1, maxLength: 10 }), (ops, keys) => {
        const order = ops.map((_, i) => i).sort((x, y) => keys[x % keys.length]! - keys[y % keys.length]! || y - x);
        return canonicalJson(mergedInOrder(ops, order)) === canonicalJson(replay(ops));
      }),
      { ...runs, seed: testSeed('delete after recreate') },
    );
  });

  it('put, delete, recreate, delete: the record stays deleted; a later put shows only its own fields', () => {
    const ops: Op[] = [{ kind: 'put', field: 'a', v: 1 }, { kind: 'del' }, { kind: 'put', field: 'b', v: 2 }, { kind: 'del' }];
    expect(mergedInOrder(ops, [0, 1, 2, 3])).toBeNull();
    expect(mergedInOrder(ops, [3, 2, 1, 0])).toBeNull();
    expect(mergedInOrder(ops, [2, 3, 0, 1])).toBeNull();
    const more: Op[] = [...ops, { kind: 'put', field: 'c', v: 3 }];
    expect(mergedInOrder(more, [4, 1, 3, 0, 2])).toEqual({ c: 3 });
  });
});
