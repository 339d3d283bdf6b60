/**
 * Classifies every operation after the faults healed:
 *  - acked and present: on every node and every client, with the value written
 *  - acked and lost: acked, but missing (or wrong) on some node or client
 *  - never acked: still pending when the run ended (fine: not promised)
 *  - rejected: refused for good (a typed error; fine if the cause is known)
 * plus duplicates (a logical write with more than one entry in a node's op
 * log), divergence (nodes with different states or op sets, clients whose
 * records differ from the nodes', one op stored with different stamps), and
 * G1 violations seen by the raw writers (a re-send answered differently),
 * and disagreement with the oracle: the LWW reference model
 * (test/helpers/lwwModel.ts) replaying the union of the nodes' op logs in HLC
 * order must give every node's and every client's visible values.
 */
import type { NodeView } from './nodeFiles.js';
import { valuesKey } from './nodeFiles.js';
import { SPACE } from './EngineWriter.js';
import { LwwModel } from '../helpers/lwwModel.js';

export interface WriteRecord {
  /** record id, also the logical write's identity */
  id: string;
  value: number;
  status: 'acked' | 'pending' | 'rejected';
  /** op id and the stamp the server said it stored, when known (raw writers) */
  opId?: string;
  storedHlc?: string;
}

export interface Verdict {
  ops: number;
  acked: number;
  ackedPresent: number;
  ackedLost: number;
  neverAcked: number;
  rejected: number;
  duplicates: number;
  nodeDivergence: number;
  clientDivergence: number;
  stampMismatches: number;
  g1Mismatches: number;
  /** nodes and clients whose visible values differ from the LWW model's */
  modelDivergence: number;
  problems: string[];
}

export function check(
  writes: WriteRecord[],
  nodes: Record<string, NodeView>,
  clients: Record<string, Map<string, unknown>>,
  g1: string[],
): Verdict {
  const v: Verdict = {
    ops: writes.length,
    acked: 0,
    ackedPresent: 0,
    ackedLost: 0,
    neverAcked: 0,
    rejected: 0,
    duplicates: 0,
    nodeDivergence: 0,
    clientDivergence: 0,
    stampMismatches: 0,
    g1Mismatches: g1.length,
    modelDivergence: 0,
    problems: [...g1],
  };
  const problem = (s: string) => v.problems.length < 50 && v.problems.push(s);
  const nodeList = Object.entries(nodes);
  for (const w of writes) {
    if (w.status === 'pending') v.neverAcked++;
    if (w.status === 'rejected') v.rejected++;
    if (w.status !== 'acked') continue;
    v.acked++;
    const missing: string[] = [];
    for (const [name, n] of nodeList) if (n.values.get(w.id) !== w.value || (w.opId && !n.ops.has(w.opId))) missing.push(name);
    for (const [name, c] of Object.entries(clients)) if (c.get(w.id) !== w.value) missing.push(name);
    if (missing.length === 0) v.ackedPresent++;
    else {
      v.ackedLost++;
      problem(`acked write ${w.id}=${w.value} missing on ${missing.join(', ')}`);
    }
    if (w.opId && w.storedHlc) {
      const stamps = new Set(nodeList.map(([, n]) => n.ops.get(w.opId!)));
      if (stamps.size > 1 || !stamps.has(w.storedHlc)) {
        v.stampMismatches++;
        problem(`op ${w.opId} acked with stamp ${w.storedHlc}, nodes hold ${[...stamps].join(' / ')}`);
      }
    }
  }
  const ids = new Set(writes.map((w) => w.id));
  for (const [name, n] of nodeList)
    for (const [id, count] of n.opsPerRecord)
      if (ids.has(id) && count > 1) {
        v.duplicates++;
        problem(`${name}: write ${id} applied ${count} times (op log)`);
      }
  const [first, ...rest] = nodeList;
  if (first)
    for (const [name, n] of rest) {
      const sameOps = n.ops.size === first[1].ops.size && [...n.ops.keys()].every((k) => first[1].ops.has(k));
      if (!sameOps || n.statesJson !== first[1].statesJson) {
        v.nodeDivergence++;
        problem(
          `${name} differs from ${first[0]} (${n.ops.size} vs ${first[1].ops.size} ops${n.statesJson !== first[1].statesJson ? ', record states differ' : ''})`,
        );
      }
    }
  if (first) {
    const want = valuesKey(first[1].values);
    for (const [name, c] of Object.entries(clients))
      if (valuesKey(c) !== want) {
        v.clientDivergence++;
        problem(`client ${name} records differ from the nodes'`);
      }
  }
  const model = new LwwModel();
  for (const [, n] of nodeList) model.add(n.log);
  const modelValues = new Map([...model.records('items', SPACE)].map(([id, fields]) => [id, fields.v]));
  const modelKey = valuesKey(modelValues);
  const replicas: [string, Map<string, unknown>][] = [
    ...nodeList.map(([name, n]): [string, Map<string, unknown>] => [name, n.values]),
    ...Object.entries(clients),
  ];
  for (const [name, values] of replicas)
    if (valuesKey(values) !== modelKey) {
      v.modelDivergence++;
      problem(`${name} differs from the LWW model of the op logs (${model.size} ops)`);
    }
  return v;
}
