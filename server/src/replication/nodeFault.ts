import { SyncError } from '@syncline/shared';

/**
 * Whether a failed call says something about the node (down, slow, broken)
 * rather than about the request: a non-retryable SyncError (e.g. an op the
 * storage refuses as INVALID_MESSAGE) is the caller's fault, and must not
 * take a healthy node out.
 */
export function isNodeFault(err: unknown): boolean {
  return !(err instanceof SyncError && !err.retryable);
}
