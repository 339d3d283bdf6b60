/**
 * Options of `createSynclineServer`. Every field except `replicator` has a
 * default; the CLI (`cli.ts`) maps flags and env variables onto these.
 */
import { DEFAULT_LIMITS, type AckMode } from '@syncline/shared';
import type { Logger } from 'pino';
import type { ReplicatorApi } from './replication/types.js';
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
  replicator: ReplicatorApi;
  /** Storage nodes the server owns: closed after the replicator when it drains. */
  nodes?: StorageNode[];
  /** Default ack mode (what /readyz checks and what a push without `ack` gets). */
  mode: AckMode;
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

export interface ResolvedOptions extends Required<Omit<SynclineServerOptions, 'adminToken' | 'logger' | 'auth' | 'maxAck' | 'allowedOrigins'>> {
  allowedOrigins: string[] | '*' | undefined;
  limits: Limits;
  maxAck: AckMode | undefined;
  auth: TokenVerifier | undefined;
  adminToken: string | undefined;
  logger: Logger;
}
