/**
 * Validates each change of a push on its own (issue 13 F11): a change that
 * fails the schema — a NUL or a lone surrogate in an id, a bad stamp — is
 * answered `rejected` `INVALID_MESSAGE` in its slot, and the valid changes
 * of the batch are still written. Before, one such op rejected the whole
 * batch and the client dead-lettered its valid ops too.
 */
import { ChangeSchema, type Change, type OpResult } from '@syncline/shared';
import { invalidMessage } from './wireErrors.js';
import { plainChange } from './plainChange.js';

export interface SplitChanges {
  valid: Change[];
  /** Slot of each valid change in the original batch. */
  slots: number[];
  /** Results of the invalid changes, by slot. */
  refused: Map<number, OpResult>;
}

export function splitChanges(raw: unknown[]): SplitChanges {
  const out: SplitChanges = { valid: [], slots: [], refused: new Map() };
  raw.forEach((c, i) => {
    // The common put/delete passes a cheaper check that accepts only what the schema accepts.
    const plain = plainChange(c);
    if (plain) {
      out.valid.push(plain);
      out.slots.push(i);
      return;
    }
    const parsed = ChangeSchema.safeParse(c);
    if (parsed.success) {
      out.valid.push(parsed.data as Change);
      out.slots.push(i);
    } else {
      out.refused.set(i, { opId: opIdOf(c), status: 'rejected', error: invalidMessage(parsed.error).toWire() });
    }
  });
  return out;
}

/** Puts the written changes' results back between the refused ones, in the batch's order. */
export function mergeResults(split: SplitChanges, written: OpResult[], total: number): OpResult[] {
  const results: OpResult[] = new Array<OpResult>(total);
  for (const [slot, r] of split.refused) results[slot] = r;
  split.slots.forEach((slot, j) => (results[slot] = written[j]!));
  return results;
}

/** The op id to answer a refused change with (echoed only when it is a plain short string). */
function opIdOf(c: unknown): string {
  const id = c && typeof c === 'object' ? (c as { opId?: unknown }).opId : undefined;
  return typeof id === 'string' && id.length <= 300 ? id : '';
}
