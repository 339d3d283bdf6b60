import { describe, expect, it } from 'vitest';
import { decodeCursor, encodeCursor, startSeq } from './cursor.js';

describe('cursor', () => {
  it('round-trips node ids that contain colons', () => {
    expect(decodeCursor(encodeCursor('postgres://h:5432/db', 42))).toEqual({ nodeId: 'postgres://h:5432/db', seq: 42 });
  });

  it('restarts at 0 when the cursor names another node', () => {
    expect(startSeq('n1:42', 'n1')).toEqual({ afterSeq: 42, reset: false });
    expect(startSeq('n1:42', 'n2')).toEqual({ afterSeq: 0, reset: true });
    expect(startSeq(null, 'n2')).toEqual({ afterSeq: 0, reset: false });
  });

  it('rejects malformed cursors with INVALID_MESSAGE', () => {
    for (const bad of ['n1', 'n1:', ':5', 'n1:-1', 'n1:x'])
      expect(() => decodeCursor(bad)).toThrow(expect.objectContaining({ code: 'INVALID_MESSAGE' }));
  });
});
