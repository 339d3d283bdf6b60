/** The checker itself: each failure class it must report, on made-up node and client views. */
import { describe, expect, it } from 'vitest';
import { check, type WriteRecord } from './checker.js';
import type { NodeView } from './nodeFiles.js';
import { SPACE } from './EngineWriter.js';
import type { ModelOp } from '../helpers/lwwModel.js';

let stamp = 0;
function node(
  values: Record<string, number>,
  ops: Record<string, string> = {},
  extra: Record<string, number> = {},
  log = logOf(values),
): NodeView {
  const opsPerRecord = new Map(Object.keys(values).map((id) => [id, 1 + (extra[id] ?? 0)]));
  return {
    log,
    ops: new Map(Object.entries(ops)),
    opsPerRecord,
    values: new Map(Object.entries(values)),
    statesJson: JSON.stringify(Object.entries(values).sort()),
  };
}

/** One put per record, as the op log of a node holding `values`. */
function logOf(values: Record<string, number>): ModelOp[] {
  return Object.entries(values).map(([id, v]) => ({
    opId: `w:${id}:${v}`,
    kind: 'put',
    space: SPACE,
    table: 'items',
    id,
    hlc: String(++stamp).padStart(6, '0'),
    fields: { v },
  }));
}

const writes: WriteRecord[] = [
  { id: 'a', value: 1, status: 'acked' },
  { id: 'b', value: 2, status: 'acked', opId: 'k:2', storedHlc: 'S' },
  { id: 'c', value: 3, status: 'pending' },
];

describe('chaos checker', () => {
  it('passes a healthy, converged run', () => {
    const n = node({ a: 1, b: 2 }, { 'k:2': 'S', 'e:1': 'x' });
    const v = check(
      writes,
      { n1: n, n2: n },
      {
        e0: new Map([
          ['a', 1],
          ['b', 2],
        ]),
      },
      [],
    );
    expect(v).toMatchObject({
      ops: 3,
      acked: 2,
      ackedPresent: 2,
      ackedLost: 0,
      neverAcked: 1,
      duplicates: 0,
      nodeDivergence: 0,
      clientDivergence: 0,
      stampMismatches: 0,
      modelDivergence: 0,
    });
  });

  it('reports lost, duplicated, diverged and re-stamped writes', () => {
    const n1 = node({ a: 1, b: 2 }, { 'k:2': 'S' }, { a: 1 });
    const n2 = node({ b: 2 }, { 'k:2': 'T' });
    const v = check(writes, { n1, n2 }, { e0: new Map([['b', 2]]) }, ['k:9 answered differently']);
    expect(v.ackedLost).toBe(1); // a: missing on n2 and on the client
    expect(v.duplicates).toBe(1); // a: two log entries on n1
    expect(v.nodeDivergence).toBe(1);
    expect(v.clientDivergence).toBe(1);
    expect(v.stampMismatches).toBe(1); // b stored as S and T
    expect(v.g1Mismatches).toBe(1);
    expect(v.problems.join('\n')).toMatch(/acked write a=1 missing on n2, e0/);
  });

  it('reports replicas that agree with each other but not with their op logs replayed (the LWW model)', () => {
    // Both nodes and the client show a=1, but the log says a was rewritten to 5
    // later: what a merge keeping the older write would produce everywhere.
    const log = [...logOf({ a: 1 }), ...logOf({ a: 5 })];
    const n = node({ a: 1 }, {}, {}, log);
    const v = check([{ id: 'a', value: 1, status: 'acked' }], { n1: n, n2: n }, { e0: new Map([['a', 1]]) }, []);
    expect(v).toMatchObject({ nodeDivergence: 0, clientDivergence: 0, modelDivergence: 3 });
    expect(v.problems.join('\n')).toMatch(/n1 differs from the LWW model/);
  });
});
