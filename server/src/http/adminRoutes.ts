/**
 * Operator endpoints. They exist only when an admin token is configured
 * (then every call needs `Authorization: Bearer <token>`) or when the server
 * is bound to a loopback address (then only local processes reach them).
 *
 *   POST   /admin/nodes/:id/maintenance   take a node out
 *   DELETE /admin/nodes/:id/maintenance   put it back (it is repaired)
 *   POST   /admin/repair                  repair now; answers with digests
 */
import type { Express, NextFunction, Request, Response } from 'express';
import { timingSafeEqual } from 'node:crypto';
import type { ServerContext } from '../socket/ServerContext.js';

export function isLoopback(host: string): boolean {
  return host === 'localhost' || host === '::1' || host.startsWith('127.');
}

export function adminEnabled(host: string, token: string | undefined): boolean {
  return token !== undefined || isLoopback(host);
}

export function adminRoutes(app: Express, ctx: ServerContext): void {
  const { adminToken, host } = ctx.opts;
  if (!adminEnabled(host, adminToken)) return;
  const guard = (req: Request, res: Response, next: NextFunction): void => {
    if (adminToken === undefined || tokenMatches(req.get('authorization'), adminToken)) return next();
    res.status(401).json({ error: { code: 'UNAUTHORIZED', message: 'admin token required', retryable: false } });
  };

  const maintenance = (on: boolean) => (req: Request, res: Response) => {
    const id = String(req.params.id);
    if (!ctx.replicator.health().some((h) => h.id === id)) {
      res.status(404).json({ error: { code: 'INVALID_MESSAGE', message: `no node ${id}`, retryable: false } });
      return;
    }
    ctx.replicator.setMaintenance(id, on);
    ctx.logger.info({ node: id, maintenance: on }, 'node maintenance changed');
    res.json({ nodes: ctx.replicator.health() });
  };
  app.post('/admin/nodes/:id/maintenance', guard, maintenance(true));
  app.delete('/admin/nodes/:id/maintenance', guard, maintenance(false));

  app.post('/admin/repair', guard, async (_req, res, next) => {
    try {
      await ctx.replicator.repair();
      res.json({ nodes: ctx.replicator.health(), digests: await ctx.replicator.digests() });
    } catch (err) {
      next(err);
    }
  });
}

function tokenMatches(header: string | undefined, token: string): boolean {
  const given = Buffer.from(header?.replace(/^Bearer\s+/i, '') ?? '');
  const want = Buffer.from(token);
  return given.length === want.length && timingSafeEqual(given, want);
}
