/** What one SQLite node file holds, read read-only (test/helpers/nodeFile.ts) for the checker. */
import { canonicalJson, materialize, type RecordState } from '@syncline/shared';
import { SPACE } from './EngineWriter.js';
import { readNodeFile } from '../helpers/nodeFile.js';
import type { ModelOp } from '../helpers/lwwModel.js';

export interface NodeView {
  /** op id -> stored HLC stamp */
  ops: Map<string, string | undefined>;
  /** record id -> its ops in the log (each key is written by exactly one logical write) */
  opsPerRecord: Map<string, number>;
  /** record id -> visible `v` (undefined when deleted) */
  values: Map<string, unknown>;
  /** canonical JSON of every record's merged state (stamps included), for node-to-node comparison */
  statesJson: string;
  /** the op log (elided ops rebuilt), for the LWW reference model */
  log: ModelOp[];
}

export function readNode(path: string): NodeView {
  const file = readNodeFile(path);
  const ops = new Map<string, string | undefined>();
  const opsPerRecord = new Map<string, number>();
  for (const op of file.ops) {
    ops.set(op.opId, op.hlc);
    if (op.table === 'items' && op.id) opsPerRecord.set(op.id, (opsPerRecord.get(op.id) ?? 0) + 1);
  }
  const values = new Map<string, unknown>();
  const states: [string, RecordState][] = [];
  for (const r of file.records) {
    if (r.space !== SPACE || r.table !== 'items') continue;
    states.push([r.id, r.state]);
    const obj = materialize(r.state);
    values.set(r.id, obj ? obj.v : undefined);
  }
  return { ops, opsPerRecord, values, statesJson: canonicalJson(states), log: file.ops };
}

/** Visible values as one comparable string. */
export function valuesKey(values: Map<string, unknown>): string {
  return canonicalJson([...values.entries()].filter(([, v]) => v !== undefined).sort(([a], [b]) => (a < b ? -1 : 1)));
}
