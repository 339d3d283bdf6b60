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
    throw new SyncError('PAYLOAD_TOO_LARGE', `batch of ${changes.length} changes; at most ${limits.maxBatch}`, {
      maxBatch: limits.maxBatch,
    });
  }
}

/** Why a single change cannot be written, or undefined when it can. */
export function changeProblem(change: Change, limits: Limits): SyncError | undefined {
  // The exact size (a JSON.stringify per change) only when a cheap upper bound exceeds the limit.
  const size =
    change.kind === 'yjs'
      ? change.update.byteLength
      : jsonBytesBound(change, limits.maxRecordBytes) <= limits.maxRecordBytes
        ? 0
        : Buffer.byteLength(JSON.stringify(change));
  if (size > limits.maxRecordBytes) {
    return new SyncError('PAYLOAD_TOO_LARGE', `change ${change.opId} is ${size} bytes; at most ${limits.maxRecordBytes}`, {
      maxRecordBytes: limits.maxRecordBytes,
    });
  }
  if (change.kind === 'yjs' && !isYjsUpdate(change.update)) {
    return new SyncError('INVALID_UPDATE', `change ${change.opId} is not exactly one Yjs update (undecodable or trailing bytes)`);
  }
  return undefined;
}

function isYjsUpdate(update: Uint8Array): boolean {
  return decodeExactUpdate(update) !== undefined;
}

/**
 * An upper bound of `Buffer.byteLength(JSON.stringify(value))` for JSON
 * data: a UTF-16 unit takes at most 6 bytes in JSON text (`\u001f`; a
 * surrogate pair 4 bytes for 2 units), a number at most 25 characters.
 * Stops counting past `stopAbove`. Anything that is not JSON data counts
 * as infinite (the caller then measures exactly).
 */
export function jsonBytesBound(value: unknown, stopAbove: number): number {
  let total = 0;
  const stack: unknown[] = [value];
  while (stack.length > 0) {
    const v = stack.pop();
    switch (typeof v) {
      case 'string':
        total += 6 * v.length + 2;
        break;
      case 'number':
        total += 25;
        break;
      case 'boolean':
        total += 5;
        break;
      case 'object':
        if (v === null) {
          total += 4;
          break;
        }
        if (Array.isArray(v)) {
          total += 2 + v.length;
          for (const x of v) stack.push(x);
          break;
        }
        if (ArrayBuffer.isView(v) || typeof (v as { toJSON?: unknown }).toJSON === 'function') return Infinity;
        total += 2;
        for (const k in v) {
          total += 6 * k.length + 4;
          stack.push((v as Record<string, unknown>)[k]);
        }
        break;
      case 'undefined':
        total += 4; // `null` in an array
        break;
      default:
        return Infinity;
    }
    if (total > stopAbove) return total;
  }
  return total;
}
