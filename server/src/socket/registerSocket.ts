/** Wires one connected socket: welcome, request events, unknown events, cleanup. */
import type { SynclineSocket as Socket } from './ioTypes.js';
import { DEFAULT_LIMITS, Events, Features, PROTOCOL_VERSION, type Welcome } from '@syncline/shared';
import type { ConnectionContext } from '../Extension.js';
import type { ServerContext } from './ServerContext.js';
import { onRequest } from './onRequest.js';
import { handlePush } from './pushHandler.js';
import { handlePull } from './pullHandler.js';
import { handleSubscribe, handleUnsubscribe } from './subscribeHandlers.js';
import { handleAwareness } from './awarenessHandler.js';
import { guardPackets } from '../limits/guardPackets.js';
import { expireConnection } from '../auth/expireConnection.js';
import { handleSubscribeDocs, handleUnsubscribeDocs } from '../live/docSubscriptions.js';

const KNOWN = new Set<string>([
  Events.push,
  Events.pull,
  Events.subscribe,
  Events.unsubscribe,
  Events.awareness,
  Events.subscribeDocs,
  Events.unsubscribeDocs,
]);

export function registerSocket(ctx: ServerContext, socket: Socket): void {
  const conn = socket.data.ctx as ConnectionContext;
  ctx.metrics.connectedClients.inc();
  const unexpire = conn.expiresAt === undefined ? () => {} : expireConnection(socket, conn.expiresAt);
  socket.on('disconnect', () => {
    unexpire();
    ctx.metrics.connectedClients.dec();
    ctx.notifier.forgetSocket(socket.id);
  });
  socket.on('error', (err) => ctx.logger.debug({ err, socket: socket.id }, 'socket error'));
  // First, before every handler: rate limit, JSON shape, unknown events (limits/).
  // (Not `onAny`: Socket.IO calls onAny listeners before packet middleware, so a flood of unknown events would skip the limit.)
  guardPackets(socket, ctx.opts.limits, KNOWN, (event, code) => ctx.metrics.recordError(event, code));

  onRequest(socket, ctx, Events.push, (p) => ctx.inflight.run(() => handlePush(ctx, conn, p)));
  onRequest(socket, ctx, Events.pull, (p) => handlePull(ctx, conn, p));
  onRequest(socket, ctx, Events.subscribe, (p) => handleSubscribe(ctx, conn, socket, p));
  onRequest(socket, ctx, Events.unsubscribe, (p) => handleUnsubscribe(socket, p));
  onRequest(socket, ctx, Events.subscribeDocs, (p) => handleSubscribeDocs(ctx, conn, socket, p));
  onRequest(socket, ctx, Events.unsubscribeDocs, (p) => handleUnsubscribeDocs(socket, p));
  onRequest(socket, ctx, Events.awareness, (p) => handleAwareness(ctx, conn, socket, p), { ackOptional: true });

  const welcome: Welcome = {
    serverId: ctx.opts.serverId,
    protocol: PROTOCOL_VERSION,
    ack: ctx.opts.mode,
    limits: ctx.opts.limits as typeof DEFAULT_LIMITS,
    features: [Features.resync],
  };
  socket.emit(Events.welcome, welcome);
}
