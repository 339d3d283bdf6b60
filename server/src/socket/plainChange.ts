/**
 * A fast check for the common change of a push (issue 14): a put or delete
 * that certainly passes `ChangeSchema`. zod took ~8% of the server's time
 * per record (a discriminated union of strict objects, and `z.json()` for
 * every field value); this check accepts only what the schema accepts, and
 * everything it does not accept — a yjs op, an unusual value, anything
 * invalid — still goes to the schema, which decides and writes the error.
 * So it changes no verdict and no message, only the cost.
 *
 * It returns the change object itself (zod returns a copy with the same
 * content). Keys named `__proto__` never get here (limits/unsafeKeys.ts
 * refuses them before the schema), and are sent to the schema anyway.
 */
import { isHlc, isWellFormedName, type DeleteChange, type PutChange } from '@syncline/shared';

const OP_ID = /^[^:\s]+:\d+$/;
const PUT_KEYS = new Set(['kind', 'opId', 'space', 'table', 'id', 'hlc', 'fields', 'unset']);
const DELETE_KEYS = new Set(['kind', 'opId', 'space', 'table', 'id', 'hlc']);

const isName = (v: unknown): v is string => typeof v === 'string' && v.length >= 1 && v.length <= 256 && isWellFormedName(v);

function isPlainObject(v: unknown): v is Record<string, unknown> {
  if (v === null || typeof v !== 'object' || Array.isArray(v)) return false;
  const proto = Object.getPrototypeOf(v) as unknown;
  return proto === Object.prototype || proto === null;
}

/** What `z.json()` accepts, for values that came out of JSON (anything else: false, the schema decides). */
function isJson(v: unknown, depth: number): boolean {
  switch (typeof v) {
    case 'string':
    case 'boolean':
      return true;
    case 'number':
      return Number.isFinite(v);
    case 'object':
      if (v === null) return true;
      if (depth > 64) return false;
      if (Array.isArray(v)) {
        for (let i = 0; i < v.length; i++) if (!(i in v) || !isJson(v[i], depth + 1)) return false;
        return true;
      }
      if (!isPlainObject(v)) return false;
      for (const k in v) if (k === '__proto__' || !isJson(v[k], depth + 1)) return false;
      return Object.getOwnPropertySymbols(v).length === 0;
    default:
      return false;
  }
}

/** The change itself when it is a put or delete the schema certainly accepts; else undefined. */
export function plainChange(c: unknown): PutChange | DeleteChange | undefined {
  if (!isPlainObject(c)) return undefined;
  const keys = c.kind === 'put' ? PUT_KEYS : c.kind === 'delete' ? DELETE_KEYS : undefined;
  if (!keys) return undefined;
  for (const k in c) if (!keys.has(k)) return undefined;
  if (Object.getOwnPropertySymbols(c).length > 0) return undefined;
  const { opId, hlc } = c;
  if (typeof opId !== 'string' || opId.length < 3 || opId.length > 300 || !OP_ID.test(opId) || !isWellFormedName(opId)) return undefined;
  if (!isName(c.space) || !isName(c.table) || !isName(c.id)) return undefined;
  if (typeof hlc !== 'string' || hlc.length > 300 || !isHlc(hlc)) return undefined;
  if (c.kind === 'delete') return c as unknown as DeleteChange;
  const { fields, unset } = c;
  if (!isPlainObject(fields) || Object.getOwnPropertySymbols(fields).length > 0) return undefined;
  for (const name in fields) if (name === '__proto__' || !isName(name) || !isJson(fields[name], 0)) return undefined;
  if (unset !== undefined) {
    if (!Array.isArray(unset) || unset.length > 1000) return undefined;
    for (let i = 0; i < unset.length; i++) if (!(i in unset) || !isName(unset[i])) return undefined;
  }
  return c as unknown as PutChange;
}
