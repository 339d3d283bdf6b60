export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

/**
 * JSON with object keys sorted at every level: two equal values always give
 * the same text, so it can be hashed (node digests) or compared (merge ties).
 */
export function canonicalJson(value: unknown): string {
  // Loops and string appends instead of filter/map/join: this runs for every
  // stored record state, and the intermediate arrays were most of its cost.
  if (value === null || typeof value !== 'object') return JSON.stringify(value) ?? 'null';
  if (Array.isArray(value)) {
    let out = '[';
    for (let i = 0; i < value.length; i++) {
      if (i > 0) out += ',';
      // A hole stays empty, as Array.prototype.join leaves it.
      if (i in value) out += canonicalJson(value[i]);
    }
    return out + ']';
  }
  const obj = value as Record<string, unknown>;
  const keys = Object.keys(obj).sort();
  let out = '{';
  for (const k of keys) {
    const v = obj[k];
    if (v === undefined) continue;
    if (out.length > 1) out += ',';
    out += JSON.stringify(k) + ':' + canonicalJson(v);
  }
  return out + '}';
}

/** An object with no prototype: keys like `__proto__` stay plain data. */
export function dict<T>(): Record<string, T> {
  return Object.create(null) as Record<string, T>;
}
