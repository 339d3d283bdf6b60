/**
 * Options of `createSynclineServer`. Give the storage either as `nodes` (a
 * node spec list such as `'sqlite:data/n1.db,postgres://…'`, or StorageNode
 * objects) and let the server build its replicator, or as a ready
 * `replicator`. Every other field has a default; the CLI (`cli.ts`) maps
 * flags and env variables onto these.
 */
import { DEFAULT_LIMITS, type AckMode } from '@syncline/shared';
import type { Server as HttpServer } from 'node:http';
import type { Logger } from 'pino';
import type { ReplicatorApi, ReplicatorOptions } from './replication/types.js';
import type { Extension } from './Extension.js';
import type { StorageNode } from './storage/StorageNode.js';
import type { AuthOptions } from './auth/AuthOptions.js';
import type { TokenVerifier } from './auth/TokenVerifier.js';
import type { DEFAULT_SERVER_LIMITS } from './limits/defaults.js';

/** DEFAULT_LIMITS (reported in `welcome`) plus the server-side rate and depth limits (docs/security.md). */
export type Limits = { -readonly [K in keyof typeof DEFAULT_LIMITS | keyof typeof DEFAULT_SERVER_LIMITS]: number };

/** How pokes reach clients connected to other server processes. */
export type AdapterOption = 'none' | 'cluster' | { redis: string };

export interface SynclineServerOptions {
  /** A replicator you built; without it the server builds one over `nodes`. */
  replicator?: ReplicatorApi;
  /**
   * Storage nodes the server owns (closed after the replicator when it
   * drains): a node spec list as `--nodes` takes it (`'sqlite:a.db,postgres://h/db#pg'`,
   * docs/deployment.md) or node objects. Spec nodes are opened by `start()` /
   * `listen()`; one that cannot open yet counts as down and is retried.
   */
  nodes?: StorageNode[] | string;
  /** Default ack mode (what /readyz checks and what a push without `ack` gets); `ack` is the same. Default semi-sync. */
  mode?: AckMode;
  ack?: AckMode;
  /** Options of the replicator the server builds over `nodes` (ignored with `replicator`). */
  replication?: Omit<ReplicatorOptions, 'mode' | 'logger'>;
  /**
   * An HTTP server you already run (e.g. `http.createServer(expressApp)`):
   * Socket.IO attaches to it, and `server.app` (an Express app with the
   * health, status, admin and records routes) can be mounted in your app with
   * `yourApp.use(server.app)`. Call `start()` and listen on it yourself.
   * `drain()` closes it.
   */
  httpServer?: HttpServer;
  /** Strongest ack mode a client may ask for per write; stronger requests are lowered to it (default: no cap). */
  maxAck?: AckMode;
  serverId?: string;
  port?: number;
  /** Interface to bind; admin endpoints without a token only exist on loopback. */
  host?: string;
  limits?: Partial<Limits>;
  /** A put/delete stamped further ahead of the server clock is re-stamped (default 60000). */
  maxClockSkewMs?: number;
  adapter?: AdapterOption;
  /**
   * Interval of the seq watcher that pokes local rooms when a subscribed
   * space advanced (writes made by other processes); 0 turns it off.
   * Default 1000 ms. See docs/PROTOCOL.md "poke".
   */
  pollPokeMs?: number;
  /**
   * Socket.IO heartbeat: the server pings every `intervalMs` and drops a
   * client that does not answer within `timeoutMs`; a client that hears no
   * ping for `intervalMs + timeoutMs` treats the server as gone. The default
   * (1000 + 1000 ms) lets an idle client notice a silent server (paused,
   * half-open TCP) in about 2 s. See docs/failover.md "Heartbeat".
   */
  heartbeat?: { intervalMs?: number; timeoutMs?: number };
  /** Bearer token for /admin/*; without it the admin API only exists when bound to loopback. */
  adminToken?: string;
  /**
   * Origins a browser page may open a WebSocket from (`Origin` header), or
   * `'*'`. Default: any with token auth; without auth, loopback pages and the
   * server's own host only (http/originCheck.ts).
   */
  allowedOrigins?: string[] | '*';
  /**
   * Token authentication and per-space roles (docs/security.md). Without it
   * (and without an `onAuthenticate` extension) the server is open: dev only.
   */
  auth?: AuthOptions | TokenVerifier;
  extensions?: Extension[];
  logger?: Logger;
  /** How long a drain waits for in-flight pushes before closing anyway (default 10000). */
  drainTimeoutMs?: number;
}

export interface ResolvedOptions extends Required<
  Omit<
    SynclineServerOptions,
    'adminToken' | 'logger' | 'auth' | 'maxAck' | 'nodes' | 'replicator' | 'ack' | 'mode' | 'replication' | 'httpServer' | 'allowedOrigins'
  >
> {
  allowedOrigins: string[] | '*' | undefined;
  replicator: ReplicatorApi;
  nodes: StorageNode[];
  mode: AckMode;
  /** The replicator the server built (it waits for its first health round on start). */
  builtReplicator: { ready(): Promise<void> } | undefined;
  httpServer: HttpServer | undefined;
  limits: Limits;
  maxAck: AckMode | undefined;
  auth: TokenVerifier | undefined;
  adminToken: string | undefined;
  logger: Logger;
}
