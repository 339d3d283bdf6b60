import { SyncError } from '@syncline/shared';

/** Wraps a driver failure as a retryable STORAGE_ERROR, keeping SyncErrors as they are. */
export function storageError(nodeId: string, err: unknown): SyncError {
  if (err instanceof SyncError) return err;
  const message = err instanceof Error ? err.message : String(err);
  return new SyncError('STORAGE_ERROR', `storage node ${nodeId}: ${message}`);
}
