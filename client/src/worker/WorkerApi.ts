import type { AckMode, DocChange } from '@syncline/shared';
import type { EngineTuning } from '../SynclineOptions.js';
import type { EngineStatus } from '../status/SyncStatus.js';

/** Plain-data start options sent to the Worker. */
export interface WorkerConfig {
  dbName: string;
  tables: string[];
  servers: string[];
  spaces: string[];
  clientId?: string;
  engine?: EngineTuning;
}

/** The Worker's Comlink API (function arguments arrive as Comlink proxies). */
export interface WorkerApi {
  start(config: WorkerConfig, getToken?: () => Promise<string | undefined>): Promise<void>;
  stop(): Promise<void>;
  kick(): void;
  pushNow(change: DocChange, ack?: AckMode): Promise<boolean>;
  addSpaces(spaces: string[]): Promise<void>;
  onStatus(listener: (s: EngineStatus) => void): void;
}
