/** Fills in defaults of SynclineServerOptions. */
import { randomUUID } from 'node:crypto';
import { DEFAULT_LIMITS } from '@syncline/shared';
import { pino } from 'pino';
import type { ResolvedOptions, SynclineServerOptions } from './options.js';
import { sortExtensions } from './Extension.js';
import { TokenVerifier } from './auth/TokenVerifier.js';
import { authExtension } from './auth/authExtension.js';
import { DEFAULT_SERVER_LIMITS } from './limits/defaults.js';
import { Replicator } from './replication/Replicator.js';
import { createNode, parseNodeSpecs } from './storage/createNode.js';
import { OpenOnPingNode } from './storage/OpenOnPingNode.js';

export function resolveOptions(o: SynclineServerOptions): ResolvedOptions {
  const auth = o.auth === undefined || o.auth instanceof TokenVerifier ? o.auth : new TokenVerifier(o.auth);
  const mode = o.mode ?? o.ack ?? 'semi-sync';
  if (o.mode && o.ack && o.mode !== o.ack)
    throw new TypeError(`createSynclineServer: mode '${o.mode}' and ack '${o.ack}' disagree (they are the same option)`);
  const logger = o.logger ?? pino({ level: 'silent' });
  const nodes = typeof o.nodes === 'string' ? parseNodeSpecs(o.nodes).map((spec) => new OpenOnPingNode(createNode(spec))) : (o.nodes ?? []);
  let builtReplicator: Replicator | undefined;
  if (!o.replicator) {
    if (nodes.length === 0)
      throw new TypeError(
        "createSynclineServer: give `nodes` (e.g. 'sqlite:data/n1.db,sqlite:data/n2.db,sqlite:data/n3.db') or a `replicator`",
      );
    builtReplicator = new Replicator(nodes, { ...o.replication, mode, logger });
  }
  return {
    replicator: o.replicator ?? builtReplicator!,
    builtReplicator,
    httpServer: o.httpServer,
    nodes,
    mode,
    maxAck: o.maxAck,
    serverId: o.serverId ?? `srv-${randomUUID().slice(0, 8)}`,
    port: o.port ?? 4000,
    host: o.host ?? '127.0.0.1',
    limits: { ...DEFAULT_LIMITS, ...DEFAULT_SERVER_LIMITS, ...o.limits },
    maxClockSkewMs: o.maxClockSkewMs ?? 60_000,
    adapter: o.adapter ?? 'none',
    pollPokeMs: o.pollPokeMs ?? 1000,
    heartbeat: { intervalMs: o.heartbeat?.intervalMs ?? 1000, timeoutMs: o.heartbeat?.timeoutMs ?? 1000 },
    adminToken: o.adminToken,
    allowedOrigins: o.allowedOrigins,
    auth,
    extensions: sortExtensions([...(auth ? [authExtension(auth)] : []), ...(o.extensions ?? [])]),
    logger,
    drainTimeoutMs: o.drainTimeoutMs ?? 10_000,
  };
}
