/** Size checks that run before and after schema validation of a push. */
import { SyncError, type Change } from '@syncline/shared';
import { decodeExactUpdate } from '../docs/decodeExact.js';
import type { Limits } from '../options.js';

/**
 * Checked before the schema so that a huge batch is refused cheaply and
 * with the precise code rather than after validating every change.
 */
export function checkBatchSize(payload: unknown, limits: Limits): void {
  const changes = (payload as { changes?: unknown } | null | undefined)?.changes;
  if (Array.isArray(changes) && changes.length > limits.maxBatch) {
    throw new SyncError('PAYLOAD_TOO_LARGE', `batch of ${changes.length} changes; at most ${limits.maxBatch}`, { maxBatch: limits.maxBatch });
  }
}

/** Why a single change cannot be written, or undefined when it can. */
export function changeProblem(change: Change, limits: Limits): SyncError | undefined {
  const size = change.kind === 'yjs' ? change.update.byteLength : Buffer.byteLength(JSON.stringify(change));
  if (size > limits.maxRecordBytes) {
    return new SyncError('PAYLOAD_TOO_LARGE', `change ${change.opId} is ${size} bytes; at most ${limits.maxRecordBytes}`, { maxRecordBytes: limits.maxRecordBytes });
  }
  if (change.kind === 'yjs' && !isYjsUpdate(change.update)) {
    return new SyncError('INVALID_UPDATE', `change ${change.opId} is not exactly one Yjs update (undecodable or trailing bytes)`);
  }
  return undefined;
}

function isYjsUpdate(update: Uint8Array): boolean {
  return decodeExactUpdate(update) !== undefined;
}
