/** What one SQLite node file holds, read directly (read-only) for the checker. */
import Database from 'better-sqlite3';
import { canonicalJson, materialize, type RecordState } from '@syncline/shared';
import { SPACE } from './EngineWriter.js';

export interface NodeView {
  /** op id -> stored HLC stamp */
  ops: Map<string, string | undefined>;
  /** record id -> its ops in the log (each key is written by exactly one logical write) */
  opsPerRecord: Map<string, number>;
  /** record id -> visible `v` (undefined when deleted) */
  values: Map<string, unknown>;
  /** canonical JSON of every record's merged state (stamps included), for node-to-node comparison */
  statesJson: string;
}

export function readNode(path: string): NodeView {
  const db = new Database(path, { readonly: true, fileMustExist: true });
  try {
    db.pragma('busy_timeout = 5000');
    const ops = new Map<string, string | undefined>();
    const opsPerRecord = new Map<string, number>();
    for (const row of db.prepare('SELECT op_id, op FROM ops').all() as { op_id: string; op: string }[]) {
      const op = JSON.parse(row.op) as { hlc?: string; table?: string; id?: string };
      ops.set(row.op_id, op.hlc);
      if (op.table === 'items' && op.id) opsPerRecord.set(op.id, (opsPerRecord.get(op.id) ?? 0) + 1);
    }
    const values = new Map<string, unknown>();
    const states: [string, string][] = [];
    for (const r of db.prepare("SELECT id, state FROM records WHERE space = ? AND tbl = 'items' ORDER BY id").all(SPACE) as { id: string; state: string }[]) {
      states.push([r.id, r.state]);
      const obj = materialize(JSON.parse(r.state) as RecordState);
      values.set(r.id, obj ? obj.v : undefined);
    }
    return { ops, opsPerRecord, values, statesJson: canonicalJson(states) };
  } finally {
    db.close();
  }
}

/** Visible values as one comparable string. */
export function valuesKey(values: Map<string, unknown>): string {
  return canonicalJson([...values.entries()].filter(([, v]) => v !== undefined).sort(([a], [b]) => (a < b ? -1 : 1)));
}
