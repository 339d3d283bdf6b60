import type { AckMode, DocChange } from '@syncline/shared';
import type { EngineStatus } from '../status/SyncStatus.js';

/**
 * What the main thread asks of a running engine, in-process or in the
 * Worker (where Comlink carries these calls; keep arguments cloneable).
 */
export interface EngineApi {
  stop(): Promise<void>;
  /** Outbox changed: push soon. */
  kick(): void;
  /**
   * A document edit to push at once, ahead of its outbox row (engine/EagerPush.ts).
   * Resolves false at once when it cannot go now (it waits in the outbox), true once its push settled.
   */
  pushNow?(change: DocChange, ack?: AckMode): Promise<boolean>;
  addSpaces(spaces: string[]): Promise<void>;
  onStatus(listener: (s: EngineStatus) => void): void;
}
