/**
 * Folding a multi-op write's `_outcomes` rows into one WriteOutcome.
 * Mutations caught: accepting when only some ops are accepted (`done.length > 0`
 * instead of `=== opIds.length`); reporting the strongest applied mode
 * instead of the weakest.
 */
import { describe, expect, it } from 'vitest';
import type { OutcomeRow } from '../db/rows.js';
import { foldOutcome } from './readOutcome.js';

const row = (opId: string, o: Partial<OutcomeRow>): OutcomeRow => ({ opId, writeId: 'w', status: 'accepted', asked: 'sync', at: 0, ...o });

describe('foldOutcome', () => {
  it('a write is accepted only when every op is, with the weakest mode applied', () => {
    const ops = ['c:1', 'c:2'];
    expect(foldOutcome('w', ops, 'sync', [row('c:1', { applied: 'sync' })])).toMatchObject({
      status: 'pending',
      held: false,
      applied: 'sync',
    });
    const both = foldOutcome('w', ops, 'sync', [row('c:1', { applied: 'sync' }), row('c:2', { applied: 'async', capped: true })]);
    expect(both).toMatchObject({ status: 'accepted', applied: 'async', capped: true, held: false });
    const replicated = foldOutcome('w', ops, 'sync', [
      row('c:1', { applied: 'sync', status: 'replicated' }),
      row('c:2', { applied: 'sync', status: 'replicated' }),
    ]);
    expect(replicated).toMatchObject({ status: 'replicated', held: true });
  });

  it('one rejected op rejects the write; a retryable refusal shows as retrying with its error', () => {
    const err = { code: 'NOT_ENOUGH_REPLICAS' as const, message: 'x', retryable: true };
    expect(foldOutcome('w', ['c:1', 'c:2'], null, [row('c:1', {}), row('c:2', { status: 'retrying', error: err })])).toMatchObject({
      status: 'retrying',
      error: err,
    });
    const dead = { code: 'FORBIDDEN' as const, message: 'no', retryable: false };
    expect(foldOutcome('w', ['c:1', 'c:2'], null, [row('c:1', {}), row('c:2', { status: 'rejected', error: dead })])).toMatchObject({
      status: 'rejected',
      error: dead,
      held: false,
    });
  });

  it('a write that changed nothing is settled at once', () => {
    expect(foldOutcome('w', [], null, [])).toMatchObject({ status: 'replicated', held: true });
  });
});
