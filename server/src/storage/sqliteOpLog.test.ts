import { describe, expect, it } from 'vitest';
import { changeToState, type PutChange } from '@syncline/shared';
import { elidable } from './sqliteOpLog.js';
import { validateOp } from './opCodec.js';

const HLC = '001764870000000-000003-c1';
const put = (fields: PutChange['fields'], hlc = HLC): PutChange => ({
  kind: 'put',
  opId: 'c1:1',
  space: 's',
  table: 't',
  id: 'r',
  hlc,
  fields,
});

describe('per-object answers shared by in-thread nodes', () => {
  // Mutation checked: answering from the cache without comparing the op (`hit.op === op`) fails here.
  it('elidable answers per op for one state object', () => {
    const op = put({ a: 1 });
    const state = changeToState(op);
    expect(elidable(op, state)).toBe(true);
    expect(elidable(put({ a: 2 }), state)).toBe(false); // another value under the same stamp
    expect(elidable(put({ a: 1 }, '001764870000001-000000-c1'), state)).toBe(false);
    expect(elidable(op, state)).toBe(true);
  });

  it('validateOp remembers only ops that passed', () => {
    const bad = { ...put({ a: 1 }), hlc: 'nope' };
    expect(() => validateOp(bad, 0)).toThrow(/hlc/);
    expect(() => validateOp(bad, 0)).toThrow(/hlc/);
    const good = put({ a: 1 });
    validateOp(good, 0);
    expect(() => validateOp(good, 1)).not.toThrow();
  });
});
