import { canonicalJson, dict, type Json } from '@syncline/shared';

export interface FieldDiff {
  fields: Record<string, Json>;
  unset: string[];
}

/** Plain JSON copy of a field value; `undefined` means absent. */
export function toJson(value: unknown): Json | undefined {
  if (value === undefined) return undefined;
  return JSON.parse(JSON.stringify(value)) as Json;
}

/**
 * What a put changes: fields whose JSON differs from the previous visible
 * record, and previous fields that are now gone. With no previous record
 * every field is new.
 */
export function diffFields(prev: Record<string, Json> | null, next: Record<string, unknown>): FieldDiff {
  const fields = dict<Json>();
  const unset: string[] = [];
  for (const [name, raw] of Object.entries(next)) {
    const value = toJson(raw);
    if (value === undefined) continue;
    const before = prev?.[name];
    if (before === undefined || canonicalJson(before) !== canonicalJson(value)) fields[name] = value;
  }
  if (prev) {
    for (const name of Object.keys(prev)) {
      if (toJson(next[name]) === undefined) unset.push(name);
    }
  }
  return { fields, unset };
}
