import { describe, expect, it } from 'vitest';
import { Hlc, compareHlc, decodeHlc, type PutChange } from '@syncline/shared';
import { boundClockSkew } from './clockSkew.js';

const NOW = 1_800_000_000_000;
const put = (hlc: string): PutChange => ({ kind: 'put', opId: 'c:1', space: 's', table: 't', id: 'i', hlc, fields: { v: 1 } });

describe('boundClockSkew', () => {
  it('keeps stamps within the bound and re-stamps ones too far ahead', () => {
    const server = new Hlc('srv', { now: () => NOW });
    const near = new Hlc('c', { now: () => NOW + 59_000 }).now();
    expect(boundClockSkew(put(near), server, 60_000, NOW)).toEqual({ change: put(near) });
    const far = new Hlc('c', { now: () => NOW + 61_000 }).now();
    const out = boundClockSkew(put(far), server, 60_000, NOW);
    expect(out.hlc).toBeDefined();
    expect(out.change).toEqual({ ...put(far), hlc: out.hlc });
    expect(decodeHlc(out.hlc!).node).toBe('srv');
    // The re-stamp sorts after every stamp accepted before it.
    expect(compareHlc(out.hlc!, near)).toBe(1);
  });

  it('leaves Yjs updates alone', () => {
    const server = new Hlc('srv');
    const doc = { kind: 'yjs' as const, opId: 'c:2', space: 's', doc: 'd', update: new Uint8Array([0, 0]) };
    expect(boundClockSkew(doc, server, 0)).toEqual({ change: doc });
  });
});
