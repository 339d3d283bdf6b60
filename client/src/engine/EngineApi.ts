import type { EngineStatus } from '../status/SyncStatus.js';

/**
 * What the main thread asks of a running engine, in-process or in the
 * Worker (where Comlink carries these calls; keep arguments cloneable).
 */
export interface EngineApi {
  stop(): Promise<void>;
  /** Outbox changed: push soon. */
  kick(): void;
  addSpaces(spaces: string[]): Promise<void>;
  onStatus(listener: (s: EngineStatus) => void): void;
}
