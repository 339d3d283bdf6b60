import { describe, expect, it } from 'vitest';
import { TokenBucket } from './TokenBucket.js';
import { checkJsonShape } from './unsafeKeys.js';

describe('TokenBucket', () => {
  it('allows the burst, then the rate', () => {
    let t = 0;
    const b = new TokenBucket(10, 3, () => t);
    expect([b.take(), b.take(), b.take(), b.take()]).toEqual([true, true, true, false]);
    expect(b.waitMs()).toBe(100);
    t = 100;
    expect([b.take(), b.take()]).toEqual([true, false]);
    t = 10_000;
    expect([b.take(), b.take(), b.take(), b.take()]).toEqual([true, true, true, false]);
  });
});

describe('checkJsonShape', () => {
  it('refuses own __proto__ keys at any depth and nesting past the limit', () => {
    expect(() => checkJsonShape(JSON.parse('{"a":[{"b":{"__proto__":{"x":1}}}]}'), 10)).toThrow(/__proto__/);
    let deep: unknown = 1;
    for (let i = 0; i < 12; i++) deep = [deep];
    expect(() => checkJsonShape(deep, 10)).toThrow(/deeper/);
    expect(() => checkJsonShape({ constructor: { prototype: 1 }, a: new Uint8Array(3), b: [[1]] }, 10)).not.toThrow();
  });
});
