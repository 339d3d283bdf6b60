/**
 * One error type for the whole wire: a `SyncError` carries a `code` from
 * `ErrorCodes`. Anything thrown is normalized into it at the edges
 * (`toSyncError`), and the client rebuilds the same class from the wire form.
 */
export const ErrorCodes = {
  UNAUTHORIZED: 'UNAUTHORIZED',
  FORBIDDEN: 'FORBIDDEN',
  INVALID_MESSAGE: 'INVALID_MESSAGE',
  UNKNOWN_EVENT: 'UNKNOWN_EVENT',
  NOT_ENOUGH_REPLICAS: 'NOT_ENOUGH_REPLICAS',
  PAYLOAD_TOO_LARGE: 'PAYLOAD_TOO_LARGE',
  RATE_LIMITED: 'RATE_LIMITED',
  TIMEOUT: 'TIMEOUT',
  PROTOCOL_VERSION: 'PROTOCOL_VERSION',
  CLOCK_SKEW: 'CLOCK_SKEW',
  INVALID_UPDATE: 'INVALID_UPDATE',
  SERVER_DRAINING: 'SERVER_DRAINING',
  STORAGE_ERROR: 'STORAGE_ERROR',
  /** Client side: no server could be reached (refused, unreachable, no welcome in time). A state, not a fault. */
  UNAVAILABLE: 'UNAVAILABLE',
  /** Client side: an open connection was lost (closed, or silent past the heartbeat). A state, not a fault. */
  DISCONNECTED: 'DISCONNECTED',
  INTERNAL: 'INTERNAL',
  /** A server validation hook refused the change (docs/backend.md); `details` may carry the app's own reason. */
  VALIDATION_FAILED: 'VALIDATION_FAILED',
  /** HTTP API: no such record (or table, when the server declares its tables). */
  NOT_FOUND: 'NOT_FOUND',
  /**
   * The client id, op id, HLC node or Yjs clientID does not belong to the
   * writer's identity (docs/security.md "Writer identity").
   */
  IDENTITY_MISMATCH: 'IDENTITY_MISMATCH',
} as const;

export type ErrorCode = (typeof ErrorCodes)[keyof typeof ErrorCodes];

/** Codes after which the same request may succeed later, unchanged. */
const RETRYABLE: ReadonlySet<ErrorCode> = new Set<ErrorCode>([
  'NOT_ENOUGH_REPLICAS',
  'RATE_LIMITED',
  'TIMEOUT',
  'SERVER_DRAINING',
  'STORAGE_ERROR',
  'UNAVAILABLE',
  'DISCONNECTED',
  'INTERNAL',
]);

/** Codes that describe the connection, not a fault of the app or the server: show them as state. */
const TRANSPORT: ReadonlySet<ErrorCode> = new Set<ErrorCode>(['UNAVAILABLE', 'DISCONNECTED', 'SERVER_DRAINING']);

export function isTransportCode(code: ErrorCode): boolean {
  return TRANSPORT.has(code);
}

export function isRetryableCode(code: ErrorCode): boolean {
  return RETRYABLE.has(code);
}

/** The wire form of an error. */
export interface WireError {
  code: ErrorCode;
  message: string;
  retryable: boolean;
  details?: unknown;
}

export class SyncError extends Error {
  readonly code: ErrorCode;
  readonly retryable: boolean;
  readonly details?: unknown;

  constructor(code: ErrorCode, message: string, details?: unknown) {
    super(message);
    this.name = 'SyncError';
    this.code = code;
    this.retryable = isRetryableCode(code);
    this.details = details;
  }

  toWire(): WireError {
    const wire: WireError = { code: this.code, message: this.message, retryable: this.retryable };
    if (this.details !== undefined) wire.details = this.details;
    return wire;
  }

  static fromWire(wire: WireError): SyncError {
    const code = wire.code in ErrorCodes ? wire.code : 'INTERNAL';
    return new SyncError(code, wire.message, wire.details);
  }
}

/** Normalize anything thrown into a SyncError (unknown errors become INTERNAL). */
export function toSyncError(err: unknown): SyncError {
  if (err instanceof SyncError) return err;
  const message = err instanceof Error ? err.message : String(err);
  return new SyncError('INTERNAL', message);
}
