import { describe, expect, it } from 'vitest';
import { testSeed } from '../../../shared/src/testSeed.js';
import { DEFAULT_LIMITS, type PutChange } from '@syncline/shared';
import { changeProblem, jsonBytesBound } from './changeLimits.js';

const limits = { ...DEFAULT_LIMITS, maxRecordBytes: 1000 } as never;
const HLC = '001764870000000-000003-c1';

describe('change size limit', () => {
  // Mutation checked: counting 3 bytes per UTF-16 unit instead of 6 fails (control characters and lone surrogates).
  it('jsonBytesBound is never below the exact UTF-8 size of the JSON text (seeded random values)', () => {
    let x = testSeed('jsonBytesBound');
    const rand = () => (x = (Math.imul(x, 1103515245) + 12345) >>> 0) / 2 ** 32;
    const chars = ['a', '"', '\\', '\u0000', '\u001f', '\u00e9', '\u4e2d', '\ud83d\ude00', '\ud800', '\udc00', '\u2028'];
    const str = () => Array.from({ length: Math.floor(rand() * 12) }, () => chars[Math.floor(rand() * chars.length)]).join('');
    const val = (d: number): unknown => {
      const r = rand();
      if (d < 4 && r < 0.15) return Array.from({ length: Math.floor(rand() * 4) }, () => (rand() < 0.1 ? undefined : val(d + 1)));
      if (d < 4 && r < 0.3) return Object.fromEntries(Array.from({ length: Math.floor(rand() * 4) }, () => [str(), val(d + 1)]));
      if (r < 0.5) return str();
      if (r < 0.7) return [-1.2345678901234567e-308, 1e21, -0, 0.1, 123456789012345680000, Math.PI][Math.floor(rand() * 6)];
      return [true, false, null][Math.floor(rand() * 3)];
    };
    for (let i = 0; i < 5000; i++) {
      const v = { kind: 'put', fields: { [str()]: val(0) } };
      expect(jsonBytesBound(v, Infinity)).toBeGreaterThanOrEqual(Buffer.byteLength(JSON.stringify(v)));
    }
  });

  it('refuses a change past the limit and accepts one below it', () => {
    const put = (body: string): PutChange => ({ kind: 'put', opId: 'c1:1', space: 's', table: 't', id: 'r', hlc: HLC, fields: { body } });
    expect(changeProblem(put('x'.repeat(100)), limits)).toBeUndefined();
    expect(changeProblem(put('x'.repeat(1000)), limits)?.code).toBe('PAYLOAD_TOO_LARGE');
    // Below the limit though the bound (6 bytes per unit) is above it: measured exactly, accepted.
    expect(changeProblem(put('x'.repeat(800)), limits)).toBeUndefined();
    expect(changeProblem(put('\u0000'.repeat(160)), limits)?.code).toBe('PAYLOAD_TOO_LARGE');
  });
});
