/**
 * Forms of a record state.
 *
 * Canonical JSON (`stringifyState`): equal states are equal text, so change
 * detection is a string compare and digests hash it. PostgreSQL and memory
 * nodes store it; SQLite schema v1 stored it.
 *
 * Compact (`encodeCompactState`, SQLite schema v2): most records' fields
 * carry one stamp (one put wrote them), and repeating it per field made the
 * stamps a third of a stored row. A JSON array:
 *
 *   [t, {name: value, …}]                 every field stamped t with a value
 *   [t, {name: value, …}, {name: [t2, value] | [t2], …}, del?]
 *
 * The second object holds the fields with another stamp or no value (an
 * unset), and the fourth element is the tombstone stamp. `t` is the stamp
 * asked for (an op whose fields are rebuilt from the state, see
 * sqliteOpLog.ts) or else the most common one. Arrays, not objects, so
 * `parseState` tells the forms apart by the first character.
 */
import { canonicalJson, dict, type FieldState, type Json, type RecordState } from '@syncline/shared';
import { sharesCaches } from './nodeSharing.js';

export function stringifyState(state: RecordState): string {
  return canonicalJson(state);
}

type Compact = [string, Record<string, Json>, Record<string, [string] | [string, Json]>?, (string | null)?];

/** Parses either stored form into prototype-free dictionaries, so a field named `__proto__` is plain data. */
export function parseState(text: string): RecordState {
  if (text.charCodeAt(0) === 91 /* [ */) return fromCompact(JSON.parse(text) as Compact);
  const raw = JSON.parse(text) as { fields: Record<string, FieldState>; del?: string };
  const fields = dict<FieldState>();
  for (const [name, f] of Object.entries(raw.fields)) fields[name] = f;
  const state: RecordState = { fields };
  if (raw.del !== undefined) state.del = raw.del;
  return state;
}

function fromCompact([t, main, other, del]: Compact): RecordState {
  const fields = dict<FieldState>();
  for (const [name, v] of Object.entries(main)) fields[name] = { t, v };
  if (other) for (const [name, f] of Object.entries(other)) fields[name] = f.length > 1 ? { t: f[0], v: f[1] as Json } : { t: f[0] };
  const state: RecordState = { fields };
  if (typeof del === 'string') state.del = del;
  return state;
}

/** The stamp and fields of the first form's main object, as stored (for rebuilding an elided op). */
export function compactMain(text: string): { t: string; fields: Record<string, Json> } | undefined {
  if (text.charCodeAt(0) !== 91) return undefined;
  const [t, main] = JSON.parse(text) as Compact;
  const fields = dict<Json>();
  for (const [name, v] of Object.entries(main)) fields[name] = v;
  return { t, fields };
}

/**
 * In-thread nodes share a merged state object (planBatch reuses one merge per
 * op), so its encoding is remembered per object and stamp. States are not
 * changed after a merge made them (merges build new objects).
 */
const encoded = new WeakMap<RecordState, { stamp: string | undefined; text: string }>();

export function encodeCompactState(state: RecordState, stamp?: string): string {
  if (!sharesCaches()) return encodeCompact(state, stamp);
  const hit = encoded.get(state);
  if (hit && hit.stamp === stamp) return hit.text;
  const text = encodeCompact(state, stamp);
  encoded.set(state, { stamp, text });
  return text;
}

function encodeCompact(state: RecordState, stamp: string | undefined): string {
  const t = stamp ?? commonStamp(state);
  // Plain objects with keys defined as own data: JSON.stringify writes a
  // `__proto__` key as any other.
  const main: Record<string, Json> = dict<Json>();
  let other: Record<string, [string] | [string, Json]> | undefined;
  for (const [name, f] of Object.entries(state.fields)) {
    if (f.t === t && f.v !== undefined) main[name] = f.v;
    else (other ??= dict())[name] = f.v === undefined ? [f.t] : [f.t, f.v];
  }
  const out: Compact = [t, main];
  if (other || state.del !== undefined) out.push(other ?? {});
  if (state.del !== undefined) out.push(state.del);
  return JSON.stringify(out);
}

function commonStamp(state: RecordState): string {
  const counts = new Map<string, number>();
  let best = state.del ?? '';
  let bestN = 0;
  for (const f of Object.values(state.fields)) {
    const n = (counts.get(f.t) ?? 0) + 1;
    counts.set(f.t, n);
    if (n > bestN || (n === bestN && f.t > best)) {
      best = f.t;
      bestN = n;
    }
  }
  return best;
}

/** The canonical JSON of a state stored in either form. */
export function canonicalOf(stored: string): string {
  return stored.charCodeAt(0) === 91 ? stringifyState(parseState(stored)) : stored;
}
