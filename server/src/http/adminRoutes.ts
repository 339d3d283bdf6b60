/**
 * Operator endpoints. They exist only when an admin token or token auth is
 * configured (then every call needs `Authorization: Bearer <token>`: the
 * admin token, or a verified JWT with `"admin": true` — auth/httpAuth.ts) or
 * when the server is bound to a loopback address (then only local processes
 * reach them). Either way they refuse cross-origin and non-JSON requests
 * (http/originCheck.ts), so a web page cannot call them.
 *
 *   POST   /admin/nodes/:id/maintenance   take a node out
 *   DELETE /admin/nodes/:id/maintenance   put it back (it is repaired)
 *   POST   /admin/repair                  repair now; answers with digests
 */
import type { Express, NextFunction, Request, Response } from 'express';
import type { ServerContext } from '../socket/ServerContext.js';
import { adminGuard } from '../auth/httpAuth.js';
import { adminRequestGuard } from './originCheck.js';

export function isLoopback(host: string): boolean {
  return host === 'localhost' || host === '::1' || host.startsWith('127.');
}

export function adminEnabled(host: string, token: string | undefined, auth = false): boolean {
  return token !== undefined || auth || isLoopback(host);
}

export function adminRoutes(app: Express, ctx: ServerContext): void {
  const { adminToken, host, auth } = ctx.opts;
  if (!adminEnabled(host, adminToken, auth !== undefined)) return;
  const openOnLoopback = adminToken === undefined && auth === undefined;
  const tokenGuard = openOnLoopback ? (_req: Request, _res: Response, next: NextFunction) => next() : adminGuard(auth, adminToken);
  const guard = [adminRequestGuard(openOnLoopback), tokenGuard];

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

  app.post('/admin/repair', guard, async (_req: Request, res: Response, next: NextFunction) => {
    try {
      await ctx.replicator.repair();
      res.json({ nodes: ctx.replicator.health(), digests: await ctx.replicator.digests() });
    } catch (err) {
      next(err);
    }
  });
}
