/** `/healthz`, `/readyz`, `/metrics`, `/status` (docs/PROTOCOL.md "HTTP"). */
import type { Express } from 'express';
import { PROTOCOL_VERSION } from '@syncline/shared';
import type { ServerContext } from '../socket/ServerContext.js';
import { checkAdmin, sendAuthError } from '../auth/httpAuth.js';

export function healthRoutes(app: Express, ctx: ServerContext): void {
  app.get('/healthz', (_req, res) => {
    res.json({ alive: true, serverId: ctx.opts.serverId });
  });

  app.get('/readyz', (_req, res) => {
    const mode = ctx.opts.mode;
    if (ctx.isDraining()) {
      res.status(503).json({ ready: false, reason: 'draining' });
    } else if (!ctx.replicator.canAck(mode)) {
      res.status(503).json({ ready: false, reason: `not enough reachable nodes for ${mode}`, mode, nodes: ctx.replicator.health() });
    } else {
      res.json({ ready: true, mode });
    }
  });

  app.get('/metrics', async (_req, res, next) => {
    try {
      const text = await ctx.metrics.registry.metrics();
      res.type(ctx.metrics.registry.contentType).send(text);
    } catch (err) {
      next(err);
    }
  });

  // `?digests=1` adds every node's state digest (hashes the whole node: not for frequent polling).
  // With token auth on, digests need an admin token (docs/security.md); the rest is operational, like /readyz.
  app.get('/status', async (req, res, next) => {
    const digests = req.query.digests === '1' || req.query.digests === 'true';
    if (digests && ctx.opts.auth) {
      try {
        await checkAdmin(req, ctx.opts.auth, ctx.opts.adminToken);
      } catch (err) {
        sendAuthError(res, err);
        return;
      }
    }
    try {
      const body: Record<string, unknown> = {
        serverId: ctx.opts.serverId,
        protocol: PROTOCOL_VERSION,
        mode: ctx.opts.mode,
        ready: !ctx.isDraining() && ctx.replicator.canAck(ctx.opts.mode),
        draining: ctx.isDraining(),
        connectedClients: ctx.io.of('/').sockets.size,
        inflightPushes: ctx.inflight.size,
        nodes: ctx.replicator.health(),
        acks: ctx.metrics.ackSummary(),
        replication: ctx.replicator.stats?.() ?? {},
      };
      if (digests) body.digests = await ctx.replicator.digests();
      res.json(body);
    } catch (err) {
      next(err);
    }
  });
}
