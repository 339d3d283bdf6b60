/**
 * Field-level last-writer-wins merge by HLC stamp, with tombstones.
 *
 * A record's state keeps, per field, the value and the stamp of the write that
 * set it (`v` absent means the field was unset), and optionally the stamp of
 * the latest delete. `mergeRecord` takes the newer stamp per field and the
 * newer tombstone: it is a join of a semilattice, so it is commutative,
 * associative and idempotent (see merge.test.ts), which is what lets every
 * node and client converge whatever order and however often changes arrive.
 *
 * A delete hides every field stamped at or before it; a field written after
 * the delete brings the record back with only the newer fields.
 */
import { canonicalJson, dict, type Json } from './json.js';

export interface FieldState {
  t: string;
  v?: Json;
}

export interface RecordState {
  fields: Record<string, FieldState>;
  del?: string;
}

export function emptyState(): RecordState {
  return { fields: dict<FieldState>() };
}

function newerField(a: FieldState, b: FieldState): FieldState {
  if (a.t !== b.t) return a.t > b.t ? a : b;
  // Equal stamps should carry equal values; if not, pick deterministically.
  const ca = a.v === undefined ? '' : canonicalJson(a.v);
  const cb = b.v === undefined ? '' : canonicalJson(b.v);
  return ca >= cb ? a : b;
}

export function mergeRecord(a: RecordState, b: RecordState): RecordState {
  const fields = dict<FieldState>();
  for (const [name, f] of Object.entries(a.fields)) fields[name] = f;
  for (const [name, f] of Object.entries(b.fields)) {
    const cur = fields[name];
    fields[name] = cur ? newerField(cur, f) : f;
  }
  const out: RecordState = { fields };
  const del = a.del === undefined ? b.del : b.del === undefined ? a.del : a.del > b.del ? a.del : b.del;
  if (del !== undefined) out.del = del;
  return out;
}

/** The visible record (plain object), or `null` when it is deleted or empty. */
export function materialize(state: RecordState): Record<string, Json> | null {
  const out = dict<Json>();
  let live = false;
  for (const [name, f] of Object.entries(state.fields)) {
    if (state.del !== undefined && f.t <= state.del) continue;
    live = true;
    if (f.v !== undefined) out[name] = f.v;
  }
  if (!live) return null;
  return out;
}

/** Drops field entries a tombstone has made invisible (smaller state, same meaning). */
export function compactState(state: RecordState): RecordState {
  if (state.del === undefined) return state;
  const fields = dict<FieldState>();
  for (const [name, f] of Object.entries(state.fields)) if (f.t > state.del) fields[name] = f;
  return { fields, del: state.del };
}

/** The greatest stamp in a state (for observing into a clock). */
export function maxStamp(state: RecordState): string | undefined {
  let max = state.del;
  for (const f of Object.values(state.fields)) if (max === undefined || f.t > max) max = f.t;
  return max;
}
