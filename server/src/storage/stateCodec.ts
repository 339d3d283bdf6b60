/**
 * The stored form of a record state: canonical JSON, so equal states are
 * equal text (change detection is a string compare, and digests hash it).
 */
import { canonicalJson, dict, type FieldState, type RecordState } from '@syncline/shared';

export function stringifyState(state: RecordState): string {
  return canonicalJson(state);
}

/** Parses into prototype-free dictionaries, so a field named `__proto__` is plain data. */
export function parseState(text: string): RecordState {
  const raw = JSON.parse(text) as { fields: Record<string, FieldState>; del?: string };
  const fields = dict<FieldState>();
  for (const [name, f] of Object.entries(raw.fields)) fields[name] = f;
  const state: RecordState = { fields };
  if (raw.del !== undefined) state.del = raw.del;
  return state;
}
