import { describe, expect, it } from 'vitest';
import { judge, requiredNodes, type NodeWriteState } from './ackRule.js';

const states = (...s: NodeWriteState[]) => new Map(s.map((x, i) => [`n${i + 1}`, x]));
const j = (required: number, s: Map<string, NodeWriteState>, degrade = false) => judge({ required, primaryId: 'n1', states: s, degrade });

describe('ackRule', () => {
  it('counts required nodes per mode', () => {
    expect(requiredNodes('sync', 3, 1)).toBe(3);
    expect(requiredNodes('semi-sync', 3, 1)).toBe(2);
    expect(requiredNodes('semi-sync', 3, 2)).toBe(3);
    expect(requiredNodes('async', 3, 1)).toBe(1);
  });

  it('is ok only when the primary and enough nodes committed', () => {
    expect(j(2, states('committed', 'committed', 'pending'))).toEqual({ kind: 'ok', degraded: false });
    expect(j(2, states('pending', 'committed', 'committed'))).toEqual({ kind: 'wait' });
    expect(j(3, states('committed', 'committed', 'pending'))).toEqual({ kind: 'wait' });
  });

  it('is indeterminate when the mode can no longer be met but a node may have applied', () => {
    expect(j(3, states('committed', 'committed', 'failed'))).toEqual({ kind: 'indeterminate', timedOut: false });
    expect(j(2, states('failed', 'committed', 'committed'))).toEqual({ kind: 'indeterminate', timedOut: false });
    expect(j(3, states('committed', 'unknown', 'failed'))).toEqual({ kind: 'indeterminate', timedOut: true });
  });

  it('is rejected when every node failed without applying', () => {
    expect(j(1, states('failed', 'failed'))).toEqual({ kind: 'rejected' });
    expect(j(1, new Map())).toEqual({ kind: 'rejected' });
  });

  it('acks degraded only under the degrade fallback and only once the primary committed', () => {
    expect(j(3, states('committed', 'failed'), true)).toEqual({ kind: 'ok', degraded: true });
    expect(j(3, states('pending', 'committed'), true)).toEqual({ kind: 'wait' });
    expect(j(3, states('failed', 'committed'), true)).toEqual({ kind: 'indeterminate', timedOut: false });
  });
});
