/**
 * Op elision in the SQLite op log (schema v2). A put stored its fields twice:
 * in the op log and in the record state it produced. When a put is the last
 * write to its record and the state's fields stamped with the put's stamp are
 * exactly the put's fields (same values), the op row keeps only its op id and
 * a link to the record (`op` NULL, `rid`), and the record row names the op
 * (`op_seq`); the op is rebuilt from the state when read. Before the record's
 * state changes again, the op is written out in full from the old state.
 * A rebuilt op equals the original but for the order of its field keys.
 */
import { canonicalJson, type Json, type RecordState } from '@syncline/shared';
import type { StoredOp } from './StorageNode.js';
import { encodeOp } from './opCodec.js';
import { compactMain } from './stateCodec.js';
import { sharesCaches } from './nodeSharing.js';

/**
 * The answer per state object and op: in-thread nodes share the state merged
 * from an op (planBatch.ts), and neither is changed after the merge.
 */
const answers = new WeakMap<RecordState, { op: StoredOp; elide: boolean }>();

/** Whether `op` can be rebuilt from `state` (its record's state after the op, stored with stamp op.hlc). */
export function elidable(op: StoredOp, state: RecordState): boolean {
  if (!sharesCaches()) return check(op, state);
  const hit = answers.get(state);
  if (hit && hit.op === op) return hit.elide;
  const elide = check(op, state);
  answers.set(state, { op, elide });
  return elide;
}

function check(op: StoredOp, state: RecordState): boolean {
  if (op.kind !== 'put' || op.unset !== undefined) return false;
  const names = Object.keys(op.fields);
  let stamped = 0;
  for (const [name, f] of Object.entries(state.fields)) {
    if (f.t !== op.hlc) continue;
    stamped++;
    if (f.v === undefined || !Object.hasOwn(op.fields, name)) return false;
    const mine = op.fields[name] as Json;
    if (f.v !== mine && canonicalJson(f.v) !== canonicalJson(mine)) return false;
  }
  return stamped === names.length;
}

/** The stored JSON of an elided op, from its record's stored state (compact form, stamped with the op's stamp). */
export function rebuildOpJson(opId: string, space: string, table: string, id: string, stateText: string): string {
  return encodeOp(rebuildOp(opId, space, table, id, stateText));
}

/** An elided op itself (what decoding its rebuilt JSON gives). */
export function rebuildOp(opId: string, space: string, table: string, id: string, stateText: string): StoredOp {
  const main = compactMain(stateText);
  if (!main) throw new Error(`op ${opId} is elided but its record ${JSON.stringify([space, table, id])} is not in compact form`);
  return { kind: 'put', opId, space, table, id, hlc: main.t, fields: main.fields };
}
