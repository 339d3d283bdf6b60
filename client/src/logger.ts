/**
 * Where the client reports what it cannot hand back to a caller: a Worker
 * that did not start, a document read or store that failed and is retried,
 * the status query failing. `SynclineOptions.logger` replaces the default
 * (`console`); pass `{ warn() {}, error() {} }` to silence it.
 */
export interface SynclineLogger {
  warn(message: string, err?: unknown): void;
  error(message: string, err?: unknown): void;
}

export const consoleLogger: SynclineLogger = {
  warn: (message, err) => console.warn(message, ...(err === undefined ? [] : [err])),
  error: (message, err) => console.error(message, ...(err === undefined ? [] : [err])),
};
