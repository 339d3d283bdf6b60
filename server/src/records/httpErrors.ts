/**
 * Errors of the HTTP API as typed JSON: `{ error: WireError }` with the
 * SyncError code, and an HTTP status derived from the code. Body-parser
 * failures (malformed JSON, oversize body) become INVALID_MESSAGE /
 * PAYLOAD_TOO_LARGE instead of Express's default HTML 500.
 */
import type { NextFunction, Request, Response } from 'express';
import { SyncError, type ErrorCode, type WireError } from '@syncline/shared';
import { toWireError } from '../socket/wireErrors.js';

const STATUS: Record<ErrorCode, number> = {
  UNAUTHORIZED: 401,
  FORBIDDEN: 403,
  IDENTITY_MISMATCH: 403,
  INVALID_MESSAGE: 400,
  UNKNOWN_EVENT: 404,
  NOT_FOUND: 404,
  VALIDATION_FAILED: 422,
  PAYLOAD_TOO_LARGE: 413,
  RATE_LIMITED: 429,
  TIMEOUT: 504,
  PROTOCOL_VERSION: 400,
  CLOCK_SKEW: 400,
  INVALID_UPDATE: 400,
  NOT_ENOUGH_REPLICAS: 503,
  SERVER_DRAINING: 503,
  STORAGE_ERROR: 503,
  UNAVAILABLE: 503,
  DISCONNECTED: 503,
  INTERNAL: 500,
};

export function httpStatusOf(code: ErrorCode): number {
  return STATUS[code] ?? 500;
}

/** Express's body parsers throw http-errors with a `type`; map the ones a client causes. */
function fromBodyParser(err: unknown): SyncError | undefined {
  const e = err as { type?: unknown; status?: unknown; limit?: unknown } | null;
  if (!e || typeof e.type !== 'string' || typeof e.status !== 'number') return undefined;
  if (e.type === 'entity.too.large')
    return new SyncError('PAYLOAD_TOO_LARGE', `request body over ${String(e.limit)} bytes`, { limit: e.limit });
  if (e.type === 'entity.parse.failed') return new SyncError('INVALID_MESSAGE', 'request body is not valid JSON');
  if (e.status >= 400 && e.status < 500) return new SyncError('INVALID_MESSAGE', `unreadable request body (${e.type})`);
  return undefined;
}

export function wireErrorOf(err: unknown): WireError {
  return fromBodyParser(err)?.toWire() ?? toWireError(err);
}

export function sendError(res: Response, err: unknown): void {
  const error = wireErrorOf(err);
  if (res.headersSent) {
    res.end();
    return;
  }
  if (error.code === 'RATE_LIMITED' || error.code === 'SERVER_DRAINING') res.set('Retry-After', '1');
  res.status(httpStatusOf(error.code)).json({ error });
}

/** Error middleware of the API router. */
export function apiErrorHandler(onInternal: (err: unknown) => void) {
  return (err: unknown, _req: Request, res: Response, _next: NextFunction): void => {
    const error = wireErrorOf(err);
    if (error.code === 'INTERNAL') onInternal(err);
    sendError(res, err);
  };
}
