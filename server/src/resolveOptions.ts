/** Fills in defaults of SynclineServerOptions. */
import { randomUUID } from 'node:crypto';
import { DEFAULT_LIMITS } from '@syncline/shared';
import { pino } from 'pino';
import type { ResolvedOptions, SynclineServerOptions } from './options.js';
import { sortExtensions } from './Extension.js';
import { TokenVerifier } from './auth/TokenVerifier.js';
import { authExtension } from './auth/authExtension.js';
import { DEFAULT_SERVER_LIMITS } from './limits/defaults.js';

export function resolveOptions(o: SynclineServerOptions): ResolvedOptions {
  const auth = o.auth === undefined || o.auth instanceof TokenVerifier ? o.auth : new TokenVerifier(o.auth);
  return {
    replicator: o.replicator,
    nodes: o.nodes ?? [],
    mode: o.mode,
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
    logger: o.logger ?? pino({ level: 'silent' }),
    drainTimeoutMs: o.drainTimeoutMs ?? 10_000,
  };
}
