import type { AckMode } from '@syncline/shared';
import type { KeepUntil } from './db/rows.js';
import type { EngineApi } from './engine/EngineApi.js';
import type { EngineOptions } from './engine/EngineOptions.js';
import type { TransportFactory } from './engine/Transport.js';
import type { LeaderOptions } from './leader/electLeader.js';
import type { SynclineLogger } from './logger.js';

/** Options of the engine that may cross into a Worker (plain data). */
export type EngineTuning = Pick<
  EngineOptions,
  | 'batchSize'
  | 'pullLimit'
  | 'requestTimeoutMs'
  | 'connectTimeoutMs'
  | 'backoff'
  | 'probe'
  | 'retryBaseMs'
  | 'retryMaxMs'
  | 'pollIntervalMs'
  | 'pullIntervalMs'
  | 'docPersistMs'
  | 'maxLiveRows'
  | 'maxLiveDocBytes'
  | 'maxEagerPushes'
>;

/** A Worker, or anything that speaks postMessage like one (a MessagePort in tests). */
export interface WorkerEndpoint {
  postMessage(message: unknown, transfer?: Transferable[]): void;
  addEventListener(type: 'message', listener: (ev: MessageEvent) => void): void;
  removeEventListener(type: 'message', listener: (ev: MessageEvent) => void): void;
  start?: () => void;
  terminate?: () => void;
}

export interface SynclineOptions {
  /** Names of the app's Dexie tables to sync. Each needs an inbound string primary key. */
  tables: string[];
  /** Ordered server URLs (`http://host:port`); the client fails over in this order. */
  servers: string[];
  /** Space of a record (default: `obj.space`, else `defaultSpace`). */
  spaceOf?: (table: string, obj: Record<string, unknown>) => string;
  /** Space for records with no `space` field. */
  defaultSpace?: string;
  /** Spaces to subscribe to and pull (default: `[defaultSpace]` when given). */
  spaces?: string[];
  /** Client id to use when the database has none yet (default: random). Must be unique per database. */
  clientId?: string;
  /** Where failures with no caller to reject go (default `console`); see logger.ts. */
  logger?: SynclineLogger;
  /** Token sent in the handshake; called on every (re)connect. */
  getToken?: () => string | undefined | Promise<string | undefined>;
  /** Ack mode to ask for every write (the server may cap it); per write: `withAck`. */
  ack?: AckMode;
  /** Keep writes in the outbox until `accepted` (default) or `replicated`. */
  keepUntil?: KeepUntil;
  /**
   * Where the engine runs: `false` (default) in this thread, or a function
   * returning a Worker started from `@syncline/client/worker`.
   */
  worker?: false | (() => WorkerEndpoint);
  /** Transport for an in-thread engine (default: Socket.IO, WebSocket only). */
  transport?: TransportFactory;
  /** `false`: this instance always syncs (one tab / Node); otherwise Web Locks with a fallback. */
  leaderElection?: false | LeaderOptions;
  engine?: EngineTuning;
  /** Start a custom engine (advanced: tests, embedding). */
  startEngine?: (ctx: { clientId?: string }) => EngineApi | Promise<EngineApi>;
}
