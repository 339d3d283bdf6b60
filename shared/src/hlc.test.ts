import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { Hlc, compareHlc, decodeHlc, encodeHlc, hlcDriftMs } from './hlc.js';
import { testSeed } from './testSeed.js';

describe('Hlc', () => {
  it('encodes so that string order is time order', () => {
    fc.assert(
      fc.property(
        fc.nat({ max: 2 ** 40 }),
        fc.nat({ max: 999_999 }),
        fc.nat({ max: 2 ** 40 }),
        fc.nat({ max: 999_999 }),
        (m1, c1, m2, c2) => {
          const a = encodeHlc({ ms: m1, counter: c1, node: 'x' });
          const b = encodeHlc({ ms: m2, counter: c2, node: 'x' });
          const expected = m1 !== m2 ? Math.sign(m1 - m2) : Math.sign(c1 - c2);
          return Math.sign(compareHlc(a, b)) === expected;
        },
      ),
      { seed: testSeed('hlc order') },
    );
  });

  it('round-trips through decode', () => {
    const s = encodeHlc({ ms: 1764151200000, counter: 7, node: 'client-a' });
    expect(decodeHlc(s)).toEqual({ ms: 1764151200000, counter: 7, node: 'client-a' });
    expect(() => decodeHlc('nope')).toThrow();
  });

  it('is strictly monotonic under clock skew, backwards clocks and remote stamps', () => {
    const step = fc.oneof(
      fc.record({ kind: fc.constant('tick' as const), wallDelta: fc.integer({ min: -5000, max: 5000 }) }),
      fc.record({
        kind: fc.constant('observe' as const),
        wallDelta: fc.integer({ min: -5000, max: 5000 }),
        remoteOffset: fc.integer({ min: -10_000, max: 10_000 }),
        counter: fc.nat({ max: 999_999 }),
      }),
    );
    fc.assert(
      fc.property(fc.array(step, { minLength: 1, maxLength: 200 }), (steps) => {
        let wall = 1_000_000;
        const clock = new Hlc('me', { now: () => wall });
        let last = '';
        for (const s of steps) {
          wall = Math.max(0, wall + s.wallDelta);
          if (s.kind === 'observe') {
            const remote = encodeHlc({ ms: Math.max(0, wall + s.remoteOffset), counter: s.counter, node: 'other' });
            clock.observe(remote);
            const next = clock.now();
            if (!(next > remote)) return false;
            if (!(next > last)) return false;
            last = next;
          } else {
            const next = clock.now();
            if (!(next > last)) return false;
            last = next;
          }
        }
        return true;
      }),
      { numRuns: 500, seed: testSeed('hlc monotonic') },
    );
  });

  it('reports drift of a stamp ahead of the wall clock', () => {
    const s = encodeHlc({ ms: 10_000, counter: 0, node: 'x' });
    expect(hlcDriftMs(s, 4_000)).toBe(6_000);
  });
});
