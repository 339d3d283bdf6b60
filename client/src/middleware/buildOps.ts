/**
 * Turns one app-table mutation into outbox rows and new `_state` rows.
 * Pure: the caller reads the previous states and writes the results.
 */
import { changeToState, emptyState, materialize, mergeRecord, type AckMode, type RecordChange } from '@syncline/shared';
import type { OutboxRow, StateRow } from '../db/rows.js';
import { diffFields } from './diffFields.js';
import type { WriteAck } from './transactionFlags.js';
import type { WriteContext } from './writeContext.js';

export interface RecordedWrite {
  /** New value, or null for a delete. */
  value: Record<string, unknown> | null;
  id: string;
  prev: StateRow | undefined;
  /** Space of the new value (puts) or of the deleted record. */
  space: string;
}

export interface BuiltOps {
  outbox: OutboxRow[];
  states: StateRow[];
}

export function buildOps(
  table: string,
  writes: RecordedWrite[],
  ctx: WriteContext,
  ack: WriteAck | undefined,
  defaults: { keep: 'accepted' | 'replicated'; ack?: AckMode },
  now: number,
): BuiltOps {
  const outbox: OutboxRow[] = [];
  const states = new Map<string, StateRow>();
  const row = (change: RecordChange): OutboxRow => {
    const out: OutboxRow = {
      opId: change.opId,
      kind: change.kind,
      space: change.space,
      table,
      id: change.id,
      hlc: change.hlc,
      status: 'pending',
      keep: ack?.until ?? defaults.keep,
      createdAt: now,
      attempts: 0,
    };
    if (change.kind === 'put') {
      out.fields = change.fields;
      if (change.unset?.length) out.unset = change.unset;
    }
    const mode = ack?.ack ?? defaults.ack;
    if (mode) out.ack = mode;
    return out;
  };
  const apply = (prev: StateRow | undefined, space: string, id: string, change: RecordChange): StateRow => {
    const base = prev && prev.space === space ? prev : undefined;
    const next: StateRow = {
      table,
      id,
      space,
      server: base?.server ?? emptyState(),
      state: mergeRecord(base?.state ?? emptyState(), changeToState(change)),
    };
    states.set(id, next);
    return next;
  };

  for (const w of writes) {
    const prev = states.get(w.id) ?? w.prev;
    const prevVisible = prev ? materialize(prev.state) : null;
    if (w.value === null) {
      if (!prev || !prevVisible) continue;
      const change: RecordChange = { kind: 'delete', opId: ctx.nextOpId(), space: prev.space, table, id: w.id, hlc: ctx.clock.now() };
      outbox.push(row(change));
      apply(prev, prev.space, w.id, change);
      continue;
    }
    const moved = prev !== undefined && prev.space !== w.space;
    if (moved && prevVisible) {
      // A record that changes space is a delete in the old one and a full put in the new one.
      const del: RecordChange = { kind: 'delete', opId: ctx.nextOpId(), space: prev.space, table, id: w.id, hlc: ctx.clock.now() };
      outbox.push(row(del));
    }
    const diff = diffFields(moved ? null : prevVisible, w.value);
    if (Object.keys(diff.fields).length === 0 && diff.unset.length === 0 && prevVisible) continue;
    const change: RecordChange = {
      kind: 'put',
      opId: ctx.nextOpId(),
      space: w.space,
      table,
      id: w.id,
      hlc: ctx.clock.now(),
      fields: diff.fields,
    };
    if (diff.unset.length) change.unset = diff.unset;
    outbox.push(row(change));
    apply(moved ? undefined : prev, w.space, w.id, change);
  }
  return { outbox, states: [...states.values()] };
}
