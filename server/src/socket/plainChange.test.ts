import { describe, expect, it } from 'vitest';
import { ChangeSchema } from '@syncline/shared';
import { testSeed } from '../../../shared/src/testSeed.js';
import { plainChange } from './plainChange.js';

/** mulberry32: a small seeded PRNG. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const HLC = '001764870000000-000003-c1';

/** An array with a hole at 0 (what zod's z.json() reads as undefined). */
function holey(): unknown[] {
  const a: unknown[] = [];
  a[1] = 1;
  return a;
}

describe('plainChange: the fast check accepts only what ChangeSchema accepts', () => {
  it('accepts ordinary puts and deletes (the fast path is taken)', () => {
    const put = {
      kind: 'put',
      opId: 'c1:1',
      space: 's',
      table: 't',
      id: 'r1',
      hlc: HLC,
      fields: { a: 1, b: 'x', c: [true, null, { d: 1.5 }] },
      unset: ['z'],
    };
    const del = { kind: 'delete', opId: 'c1:2', space: 's', table: 't', id: 'r1', hlc: HLC };
    expect(plainChange(put)).toBe(put);
    expect(plainChange(del)).toBe(del);
    expect(plainChange({ kind: 'yjs', opId: 'c1:3', space: 's', doc: 'd', update: new Uint8Array([0, 0]) })).toBeUndefined();
  });

  // Mutations checked (each made this test fail): dropping the 256-length bound of names, the
  // well-formed check of field names, the finite-number check, and the unknown-key check.
  it('never accepts a change the schema refuses, over seeded random variations', () => {
    const rand = prng(testSeed('plainChange'));
    const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rand() * xs.length)]!;
    const names = [
      'a',
      '',
      'x'.repeat(256),
      'x'.repeat(257),
      'a\u0000b',
      'a\ud800',
      '\udc00b',
      '\ud83d\ude00',
      'constructor',
      'has space',
      'k:1',
    ];
    const opIds = ['c1:1', 'c1', ':1', 'c1:x', 'c 1:1', 'c1:1:2', 'ab', 'c\ud800:1', `${'c'.repeat(298)}:1`, `${'c'.repeat(299)}:1`, 7];
    const hlcs = [HLC, 'x', '', `${HLC}${'x'.repeat(280)}`, 5, '01764870000000-000003-c1'];
    const values: unknown[] = [
      1,
      -0,
      1e300,
      NaN,
      Infinity,
      'x',
      true,
      null,
      undefined,
      [],
      [1, [2, [3]]],
      {},
      { a: { b: [null] } },
      new Uint8Array(2),
      new Date(0),
      () => 1,
      Symbol('s'),
      10n,
      Object.create(null),
      holey(),
    ];
    const value = (depth: number): unknown => {
      const v = pick(values);
      if (depth < 3 && rand() < 0.2) return { [pick(names)]: value(depth + 1) };
      if (depth < 3 && rand() < 0.1) return [value(depth + 1)];
      return v;
    };
    let accepted = 0;
    for (let i = 0; i < 20_000; i++) {
      const c: Record<string, unknown> = {
        kind: rand() < 0.9 ? pick(['put', 'put', 'delete']) : pick(['yjs', 'Put', undefined]),
        opId: rand() < 0.7 ? 'c1:1' : pick(opIds),
        space: rand() < 0.8 ? 's' : pick(names),
        table: rand() < 0.8 ? 't' : pick(names),
        id: rand() < 0.8 ? 'r' : pick(names),
        hlc: rand() < 0.8 ? HLC : pick(hlcs),
      };
      if (c.kind === 'put' || rand() < 0.05) {
        const fields: Record<string, unknown> = {};
        for (let f = Math.floor(rand() * 4); f > 0; f--) fields[rand() < 0.8 ? `f${f}` : pick(names)] = rand() < 0.7 ? 'v' : value(0);
        c.fields = rand() < 0.95 ? fields : pick([null, [], 'x', new Map()]);
        if (rand() < 0.2) c.unset = rand() < 0.8 ? [rand() < 0.8 ? 'u' : pick(names)] : pick([[], 'u', [1], new Array(1001).fill('u')]);
      }
      if (rand() < 0.05) c[pick(['extra', 'doc', 'update', 'Kind'])] = 1;
      if (rand() < 0.03) delete c[pick(['opId', 'space', 'table', 'id', 'hlc', 'fields'])];
      const fast = plainChange(c);
      if (!fast) continue;
      accepted++;
      const parsed = ChangeSchema.safeParse(c);
      expect(parsed.success, JSON.stringify(c)).toBe(true);
      expect(parsed.data).toEqual(fast);
    }
    expect(accepted).toBeGreaterThan(1000);
  });

  it('leaves a __proto__ key to the schema (the guard refuses it before)', () => {
    const c = JSON.parse(
      `{"kind":"put","opId":"c1:1","space":"s","table":"t","id":"r","hlc":"${HLC}","fields":{"__proto__":{"x":1}}}`,
    ) as unknown;
    expect(plainChange(c)).toBeUndefined();
    const nested = JSON.parse(
      `{"kind":"put","opId":"c1:1","space":"s","table":"t","id":"r","hlc":"${HLC}","fields":{"a":{"__proto__":1}}}`,
    ) as unknown;
    expect(plainChange(nested)).toBeUndefined();
  });
});
