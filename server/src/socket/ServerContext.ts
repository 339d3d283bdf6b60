/** What every socket handler needs from its server instance. */
import type { Hlc } from '@syncline/shared';
import type { SynclineIo as Server } from './ioTypes.js';
import type { Logger } from 'pino';
import type { ReplicatorApi } from '../replication/types.js';
import type { ResolvedOptions } from '../options.js';
import type { Extension } from '../Extension.js';
import type { ServerMetrics } from '../metrics/ServerMetrics.js';
import type { ReplicatedNotifier } from './ReplicatedNotifier.js';
import type { InflightTracker } from '../InflightTracker.js';
import type { LiveDelivery } from '../live/LiveDelivery.js';
import type { YjsOwners } from '../docs/YjsOwners.js';

export interface ServerContext {
  opts: ResolvedOptions;
  replicator: ReplicatorApi;
  io: Server;
  extensions: Extension[];
  metrics: ServerMetrics;
  clock: Hlc;
  notifier: ReplicatedNotifier;
  inflight: InflightTracker;
  logger: Logger;
  /** Live delivery of committed changes (live/); absent in unit-test contexts. */
  live?: LiveDelivery;
  /** Who owns each Yjs clientID of each document (docs/YjsOwners.ts); absent in unit-test contexts. */
  yjsOwners?: YjsOwners;
  /** True once a drain started: new requests are answered SERVER_DRAINING. */
  isDraining(): boolean;
}

export function roomOf(space: string): string {
  return `space:${space}`;
}
