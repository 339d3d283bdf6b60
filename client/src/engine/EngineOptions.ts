import type { Dexie } from 'dexie';
import type { BackoffOptions } from './backoff.js';
import type { TransportFactory } from './Transport.js';

export interface EngineOptions {
  db: Dexie;
  /** Synced table names. */
  tables: readonly string[];
  /** Ordered server URLs; the first is tried first. */
  servers: readonly string[];
  transport: TransportFactory;
  /** Used when the database has no client id yet. */
  clientId?: string;
  getToken?: () => string | undefined | Promise<string | undefined>;
  /** Spaces to subscribe to and pull (more can be added at run time). */
  spaces?: readonly string[];
  /** Max ops per push (capped by the server's `maxBatch`, which is also the default). */
  batchSize?: number;
  /** Records per pull page (capped by the server's `maxPullLimit`, which is also the default). */
  pullLimit?: number;
  /** Per-request ack timeout (default 10 s). */
  requestTimeoutMs?: number;
  /** Connect + welcome timeout (default 5 s). */
  connectTimeoutMs?: number;
  backoff?: BackoffOptions;
  /**
   * After a failed round, ask the transport's cheap probe before opening a connection (default true;
   * docs/failover.md). false: every retry connects, as before the probe — for a page whose CSP lets
   * the WebSocket through but blocks an HTTP request to the same server.
   */
  probe?: boolean;
  /** Delay before re-sending indeterminate or retryably-rejected ops (default 200 ms, doubling up to retryMaxMs). */
  retryBaseMs?: number;
  /**
   * Longest wait between such re-sends (default 2 s). Short on purpose: a
   * refusal such as NOT_ENOUGH_REPLICAS costs the server no storage work,
   * and a long step here is how clients stayed stalled for many seconds
   * after the missing node was back.
   */
  retryMaxMs?: number;
  /** How often to look at the outbox even with no signal (default 2 s): signals are hints, never needed. */
  pollIntervalMs?: number;
  /** Re-pull every subscribed space this often even without a poke (default 30 s): pokes are hints. */
  pullIntervalMs?: number;
  random?: () => number;
  /**
   * Live delivery (docs/PROTOCOL.md): after a relayed Yjs update, pull (and so
   * store) the document at most this often (default 1000 ms).
   */
  docPersistMs?: number;
  /** Live record rows waiting to be applied before the receiver gives up and pulls (default 20 000). */
  maxLiveRows?: number;
  /** Relayed Yjs bytes waiting per document before the receiver gives up and pulls (default 8 MiB). */
  maxLiveDocBytes?: number;
  /**
   * Document edits pushed ahead of their outbox rows, unanswered at once per
   * connection (engine/EagerPush.ts). Default 8 (`DEFAULT_MAX_EAGER_PUSHES`);
   * 0 turns them off (every edit goes through the outbox loop). See
   * docs/documents.md "Latency" for what they gain and what they cost.
   */
  maxEagerPushes?: number;
}

/** Default of `maxEagerPushes` (docs/documents.md "Latency"). */
export const DEFAULT_MAX_EAGER_PUSHES = 8;
