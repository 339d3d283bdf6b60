import { describe, expect, it } from 'vitest';
import { HighWaterCursor, formatCursor, parseCursor } from './liveCursor.js';

describe('HighWaterCursor', () => {
  it('advances over a contiguous range', () => {
    const c = new HighWaterCursor({ node: 'n1', seq: 5 });
    expect(c.offer('n1', 5, 9)).toEqual({ kind: 'advanced', seq: 9 });
    expect(c.offer('n1', 7, 12)).toEqual({ kind: 'advanced', seq: 12 });
    expect(c.value).toEqual({ node: 'n1', seq: 12 });
  });

  it('never moves past a gap until the missing range arrives', () => {
    const c = new HighWaterCursor({ node: 'n1', seq: 5 });
    expect(c.offer('n1', 9, 12)).toEqual({ kind: 'gap' });
    expect(c.value!.seq).toBe(5);
    expect(c.hasGap).toBe(true);
    expect(c.offer('n1', 5, 9)).toEqual({ kind: 'advanced', seq: 12 });
    expect(c.hasGap).toBe(false);
  });

  it('a pull fills the gap and releases ranges after it', () => {
    const c = new HighWaterCursor({ node: 'n1', seq: 5 });
    c.offer('n1', 20, 30);
    c.offer('n1', 10, 20);
    c.reset({ node: 'n1', seq: 10 });
    expect(c.value!.seq).toBe(30);
  });

  it('ignores stale ranges and other nodes', () => {
    const c = new HighWaterCursor({ node: 'n1', seq: 5 });
    expect(c.offer('n1', 1, 5)).toEqual({ kind: 'stale' });
    expect(c.offer('n2', 5, 9)).toEqual({ kind: 'other-node' });
    expect(c.value!.seq).toBe(5);
    expect(new HighWaterCursor(undefined).offer('n1', 0, 3)).toEqual({ kind: 'other-node' });
  });

  it('keeps a bounded number of ranges ahead', () => {
    const c = new HighWaterCursor({ node: 'n1', seq: 0 }, 2);
    c.offer('n1', 30, 40);
    c.offer('n1', 10, 20);
    c.offer('n1', 20, 30);
    c.offer('n1', 0, 10);
    // (30,40] was dropped: the cursor stops at 30 and a pull fetches the rest.
    expect(c.value!.seq).toBe(30);
  });

  it('parses and formats cursors', () => {
    expect(parseCursor('a:b:42')).toEqual({ node: 'a:b', seq: 42 });
    expect(parseCursor('bad')).toBeUndefined();
    expect(parseCursor(null)).toBeUndefined();
    expect(formatCursor({ node: 'n', seq: 3 })).toBe('n:3');
  });
});
