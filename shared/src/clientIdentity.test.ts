import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { boundClientId, deviceOf, isBoundTo, looksBound, subjectTag, tokenSubject } from './clientIdentity.js';
import { sha256Hex } from './sha256.js';

describe('client identity', () => {
  it('sha256 matches node:crypto for lengths around block edges and non-ASCII', () => {
    for (const s of ['', 'a', 'x'.repeat(55), 'x'.repeat(56), 'x'.repeat(64), 'x'.repeat(200), 'üñí©ødé ☃ 𝄞']) {
      expect(sha256Hex(s)).toBe(createHash('sha256').update(s, 'utf8').digest('hex'));
    }
  });

  it('binds a client id to one subject and keeps the device', () => {
    const id = boundClientId('alice', 'dev_1');
    expect(id).toBe(`${subjectTag('alice')}-dev_1`);
    expect(isBoundTo(id, 'alice')).toBe(true);
    expect(isBoundTo(id, 'bob')).toBe(false);
    expect(looksBound(id)).toBe(true);
    expect(looksBound('random-id')).toBe(false);
    expect(deviceOf(id)).toBe('dev_1');
    expect(deviceOf('Ab9_-x')).toBe('Ab9_-x');
    expect(() => boundClientId('alice', 'bad:device')).toThrow(RangeError);
  });

  it('reads the subject of a JWT without verifying it', () => {
    const b64 = (o: object) => Buffer.from(JSON.stringify(o)).toString('base64url');
    expect(tokenSubject(`${b64({ alg: 'HS256' })}.${b64({ sub: 'ü-1' })}.sig`)).toBe('ü-1');
    expect(tokenSubject(`${b64({ alg: 'HS256' })}.${b64({ spaces: {} })}.sig`)).toBeUndefined();
    expect(tokenSubject('garbage')).toBeUndefined();
    expect(tokenSubject(undefined)).toBeUndefined();
  });
});
