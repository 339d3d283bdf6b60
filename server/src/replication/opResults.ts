/** Turns the verdict of one write into one OpResult per op (G0). */
import { SyncError, toSyncError, type AckMode, type OpResult } from '@syncline/shared';
import type { StoredOp } from '../storage/StorageNode.js';
import type { WriteAnswer } from './writeToNodes.js';

export function rejectAll(ops: readonly StoredOp[], err: SyncError): OpResult[] {
  const error = err.toWire();
  return ops.map((op) => ({ opId: op.opId, status: 'rejected', error }));
}

export function opResults(ops: readonly StoredOp[], mode: AckMode, a: WriteAnswer, configured: number): OpResult[] {
  const v = a.verdict;
  if (v.kind === 'ok') {
    const replicated = a.committed >= configured;
    return ops.map((op) => {
      const r: OpResult = { opId: op.opId, status: 'ok', replicated };
      if (v.degraded) r.degraded = true;
      // A duplicate stored under another stamp: report the stored one (the original outcome).
      const stored = a.storedHlc?.get(op.opId);
      if (stored !== undefined) r.hlc = stored;
      return r;
    });
  }
  if (v.kind === 'indeterminate') {
    const error = v.timedOut
      ? new SyncError('TIMEOUT', `write timed out before ${mode} could be confirmed; it may still be applied`)
      : new SyncError('NOT_ENOUGH_REPLICAS', `nodes failed during the write, ${mode} cannot be confirmed; it may be applied on some nodes`);
    return ops.map((op) => ({ opId: op.opId, status: 'indeterminate', error: error.toWire() }));
  }
  if (a.refusal !== undefined) return rejectAll(ops, toSyncError(a.refusal));
  return rejectAll(ops, new SyncError('STORAGE_ERROR', 'every node failed the write; nothing was applied'));
}
