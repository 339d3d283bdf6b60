/** Converts anything thrown while serving a request into a `WireError`. */
import { SyncError, toSyncError, type WireError } from '@syncline/shared';
import { ZodError } from 'zod';

export function invalidMessage(err: ZodError): SyncError {
  const issues = err.issues.slice(0, 5).map((i) => ({ path: i.path.map(String).join('.'), message: i.message }));
  return new SyncError('INVALID_MESSAGE', `invalid message: ${issues.map((i) => `${i.path || '(root)'}: ${i.message}`).join('; ')}`, {
    issues,
  });
}

export function toWireError(err: unknown): WireError {
  if (err instanceof ZodError) return invalidMessage(err).toWire();
  const sync = toSyncError(err);
  // Internal messages can leak implementation details; keep them short.
  if (sync.code === 'INTERNAL') return new SyncError('INTERNAL', 'internal server error').toWire();
  return sync.toWire();
}
