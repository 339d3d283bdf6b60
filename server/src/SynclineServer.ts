/**
 * One Syncline server: an HTTP server carrying Express (health, metrics,
 * status, admin) and Socket.IO (WebSocket transport only) in front of a
 * replicator. See docs/PROTOCOL.md for the wire protocol.
 */
import { createServer, type Server as HttpServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import express, { type Express } from 'express';
import { Server } from 'socket.io';
import { Events, Hlc, type ClientToServerWire, type DrainMessage, type PokeMessage, type ServerToClientEvents } from '@syncline/shared';
import type { SynclineIo } from './socket/ioTypes.js';
import type { SynclineServerOptions } from './options.js';
import { resolveOptions } from './resolveOptions.js';
import { ServerMetrics } from './metrics/ServerMetrics.js';
import { ReplicatedNotifier } from './socket/ReplicatedNotifier.js';
import { InflightTracker } from './InflightTracker.js';
import { roomOf, type ServerContext } from './socket/ServerContext.js';
import { handshakeMiddleware } from './socket/handshake.js';
import { registerSocket } from './socket/registerSocket.js';
import { subscribedSpacesOnServer } from './socket/localRooms.js';
import { healthRoutes } from './http/healthRoutes.js';
import { adminRoutes } from './http/adminRoutes.js';
import { errorHandler } from './http/errorHandler.js';
import { recordsRoutes } from './records/recordsRoutes.js';
import { setupAdapter } from './fanout/setupAdapter.js';
import { PollPoker } from './fanout/PollPoker.js';
import { LiveDelivery } from './live/LiveDelivery.js';
import { authorize } from './socket/authorize.js';
import { DocCompactor } from './docs/DocCompactor.js';
import { markHandshakeDone, synclineParser } from './docs/socketParser.js';
import { websocketOriginAllowed } from './http/originCheck.js';
import { YjsOwners, memoryOwnerStore, nodeOwnerStore } from './docs/YjsOwners.js';
import { drainServer } from './drainServer.js';
import { OpenOnPingNode } from './storage/OpenOnPingNode.js';
import { MissingDependencyError } from './optionalDependency.js';

export interface SynclineServer {
  readonly id: string;
  readonly app: Express;
  readonly http: HttpServer;
  readonly io: Server;
  readonly metrics: ServerMetrics;
  /**
   * Opens the nodes the server built from a spec (one that cannot open yet
   * counts as down), waits (bounded) for the replicator's first health round,
   * and starts the background pollers. `listen()` calls it; call it yourself
   * when Syncline is mounted on your own HTTP server. Idempotent.
   */
  start(): Promise<void>;
  /** `start()`, then listens on the configured host/port (port 0: any free port); an already listening `httpServer` is left as it is. */
  listen(): Promise<{ port: number; url: string }>;
  /**
   * Graceful stop: refuse new connections and requests, finish in-flight
   * pushes, emit `drain` to every client, disconnect them, close the
   * replicator (and its nodes). Idempotent.
   */
  drain(reason?: string): Promise<void>;
}

export function createSynclineServer(options: SynclineServerOptions): SynclineServer {
  const opts = resolveOptions(options);
  const app = express();
  app.disable('x-powered-by');
  const http = opts.httpServer ?? createServer(app);
  const io: SynclineIo = new Server<ClientToServerWire, ServerToClientEvents>(http, {
    transports: ['websocket'],
    pingInterval: opts.heartbeat.intervalMs,
    pingTimeout: opts.heartbeat.timeoutMs,
    maxHttpBufferSize: opts.limits.maxMessageBytes,
    serveClient: false,
    // Web pages from other origins (issue 13 F12): http/originCheck.ts.
    allowRequest: (req, cb) =>
      cb(null, websocketOriginAllowed(req, opts.allowedOrigins, opts.auth !== undefined || opts.extensions.some((e) => e.onAuthenticate))),
    // Every Yjs update of a push is a binary attachment; bounded by count and bytes before buffering.
    parser: synclineParser({ maxAttachments: opts.limits.maxBatch + 10, maxPacketBytes: opts.limits.maxMessageBytes }),
  });
  const adapter = setupAdapter(io, opts.adapter, opts.logger);
  const metrics = new ServerMetrics(opts.replicator, opts.serverId);
  const notifier = new ReplicatedNotifier(io);
  const unlisten = opts.replicator.onReplicated((ids) => notifier.onReplicated(ids));
  let draining: Promise<void> | undefined;
  if (!opts.auth && !opts.extensions.some((e) => e.onAuthenticate)) {
    opts.logger.warn('no authentication configured (--auth-secret / --auth-jwks): every client may read and write every space; dev only');
  }

  const ctx: ServerContext = {
    opts,
    replicator: opts.replicator,
    io,
    extensions: opts.extensions,
    metrics,
    clock: new Hlc(opts.serverId),
    notifier,
    inflight: new InflightTracker(),
    logger: opts.logger,
    yjsOwners: new YjsOwners(opts.nodes?.length ? nodeOwnerStore(opts.nodes) : memoryOwnerStore()),
    isDraining: () => draining !== undefined,
  };
  ctx.live = new LiveDelivery({
    io,
    replicator: opts.replicator,
    pageSize: opts.limits.maxPullLimit,
    crossServer: adapter.kind !== 'none',
    mayRead: (conn, space) => authorize(ctx, conn, space, 'read'),
    onError: (err) => opts.logger.debug({ err }, 'live delivery read failed; receivers pull'),
  });

  recordsRoutes(app, ctx); // before the app-wide body parser: it sizes and maps its own bodies
  app.use(express.json({ limit: '64kb' }));
  healthRoutes(app, ctx);
  adminRoutes(app, ctx);
  app.use(errorHandler(opts.logger));

  io.use(handshakeMiddleware(ctx));
  io.on('connection', (socket) => {
    markHandshakeDone(socket);
    registerSocket(ctx, socket);
  });

  const poller = new PollPoker({
    replicator: opts.replicator,
    spaces: () => subscribedSpacesOnServer(io),
    poke: (space) => io.local.to(roomOf(space)).emit(Events.poke, { space } satisfies PokeMessage),
    intervalMs: opts.pollPokeMs,
    onError: (err) => opts.logger.debug({ err }, 'poll poke failed'),
  });
  // Merges each Yjs document's stored updates now and then (docs/documents.md).
  const compactor = new DocCompactor(opts.nodes, {}, opts.logger);

  let started: Promise<void> | undefined;
  const start = () =>
    (started ??= (async () => {
      await Promise.all(
        opts.nodes.map((node) =>
          node instanceof OpenOnPingNode && !node.isOpen
            ? node.open().catch((err: unknown) => {
                if (err instanceof MissingDependencyError) throw err;
                opts.logger.warn(
                  { err, node: node.id },
                  'storage node could not be opened, starting with it down (retried every health round)',
                );
              })
            : undefined,
        ),
      );
      if (opts.builtReplicator) {
        const bound = new Promise<void>((r) => setTimeout(r, 5000).unref());
        await Promise.race([opts.builtReplicator.ready(), bound]);
      }
      poller.start();
      compactor.start();
    })());

  return {
    id: opts.serverId,
    app,
    http,
    io,
    metrics,
    start,
    async listen() {
      await start();
      if (!http.listening)
        await new Promise<void>((resolve, reject) => {
          http.once('error', reject);
          // exclusive: a node:cluster worker binds its own socket instead of sharing the
          // primary's (shared port-0 handles would give every worker the same port, and a
          // dead worker's port must close so clients fail over). No effect outside a cluster.
          http.listen({ port: opts.port, host: opts.host, exclusive: true }, () => {
            http.off('error', reject);
            resolve();
          });
        });
      const { port } = http.address() as AddressInfo;
      const host = opts.host.includes(':') ? `[${opts.host}]` : opts.host;
      return { port, url: `http://${host}:${port}` };
    },
    drain(reason = 'server is shutting down') {
      draining ??= drainServer(ctx, http, reason).finally(async () => {
        poller.stop();
        await compactor.stop();
        unlisten();
        await adapter.close().catch((err: unknown) => opts.logger.warn({ err }, 'closing the Socket.IO adapter failed'));
        await opts.replicator.close().catch((err: unknown) => opts.logger.error({ err }, 'closing replicator failed'));
        for (const node of opts.nodes)
          await node.close().catch((err: unknown) => opts.logger.error({ err, node: node.id }, 'closing node failed'));
      });
      return draining;
    },
  };
}

export type { DrainMessage };
