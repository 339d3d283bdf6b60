/** `pull`: one page of a space's changes after a cursor (docs/PROTOCOL.md). */
import { PullRequestSchema, type PullReply } from '@syncline/shared';
import type { ConnectionContext } from '../Extension.js';
import type { ServerContext } from './ServerContext.js';
import { authorize } from './authorize.js';

export async function handlePull(ctx: ServerContext, conn: ConnectionContext, payload: unknown): Promise<PullReply> {
  const req = PullRequestSchema.parse(payload);
  await authorize(ctx, conn, req.space, 'read');
  const limit = Math.min(req.limit ?? ctx.opts.limits.maxPullLimit, ctx.opts.limits.maxPullLimit);
  const page = await ctx.replicator.pull(req.space, req.cursor ?? null, limit, req.only, req.resync);
  return { space: req.space, ...page };
}
