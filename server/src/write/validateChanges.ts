/**
 * Runs the extensions' `validateChange` hooks over one change (Extension.ts).
 * A rejection is per op: the op is answered `rejected` with the hook's code
 * and nothing of it is written. A hook may hand back a replacement change
 * (e.g. a server-stamped field); it must stay the same op on the same target.
 */
import { SyncError, type Change } from '@syncline/shared';
import type { ConnectionContext, Extension } from '../Extension.js';

export async function validateChange(extensions: readonly Extension[], conn: ConnectionContext, change: Change): Promise<Change> {
  let current = change;
  for (const ext of extensions) {
    if (!ext.validateChange) continue;
    let out: Change | void;
    try {
      out = await ext.validateChange({ ctx: conn, change: current });
    } catch (err) {
      if (err instanceof SyncError) throw err;
      throw new SyncError('VALIDATION_FAILED', err instanceof Error ? err.message : String(err));
    }
    if (out) current = sameTarget(current, out, ext.name);
  }
  return current;
}

function sameTarget(before: Change, after: Change, name = 'an extension'): Change {
  const key = (c: Change) => JSON.stringify([c.opId, c.kind, c.space, c.kind === 'yjs' ? c.doc : [c.table, c.id]]);
  if (key(before) !== key(after))
    throw new SyncError('INTERNAL', `validateChange of ${name} changed the op id, kind or target of ${before.opId}`);
  return after;
}
