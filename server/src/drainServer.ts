/**
 * The drain sequence (DESIGN §4, rolling restarts lose nothing):
 *  1. stop accepting: the caller's flag makes the handshake refuse new
 *     sockets and every new request answer SERVER_DRAINING; the HTTP server
 *     stops accepting TCP connections;
 *  2. wait for in-flight pushes to be answered (bounded by drainTimeoutMs);
 *  3. emit `drain` to every local client so it moves to another server;
 *  4. give clients a moment to leave, then disconnect the rest.
 * The caller then closes the replicator and its nodes.
 */
import type { Server as HttpServer } from 'node:http';
import { Events, type DrainMessage } from '@syncline/shared';
import type { ServerContext } from './socket/ServerContext.js';

const LEAVE_GRACE_MS = 500;

export async function drainServer(ctx: ServerContext, http: HttpServer, reason: string): Promise<void> {
  ctx.logger.info({ inflight: ctx.inflight.size }, 'draining');
  const closed = new Promise<void>((resolve) => http.close(() => resolve()));
  const finished = await ctx.inflight.idle(ctx.opts.drainTimeoutMs);
  if (!finished) ctx.logger.warn({ inflight: ctx.inflight.size }, 'drain timeout: closing with pushes in flight');
  ctx.io.local.emit(Events.drain, { reason, retryInMs: 0 } satisfies DrainMessage);
  await waitForSockets(ctx, LEAVE_GRACE_MS);
  ctx.io.local.disconnectSockets(true);
  http.closeAllConnections();
  await closed;
  await new Promise<void>((resolve) => ctx.io.close(() => resolve()));
  ctx.logger.info('drained');
}

async function waitForSockets(ctx: ServerContext, ms: number): Promise<void> {
  const until = Date.now() + ms;
  while (ctx.io.of('/').sockets.size > 0 && Date.now() < until) await new Promise((r) => setTimeout(r, 20));
}
