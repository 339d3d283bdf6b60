/**
 * `GET /v1/spaces/:space/changes` — the change feed (changeFeed.ts) as a
 * JSON page (`?wait=S` long-polls) or, with `Accept: text/event-stream`, as
 * Server-Sent Events: one `change` event per item with `id:` = its cursor,
 * so an EventSource resumes by itself (`Last-Event-ID`). Needs the space's
 * read role. The stream ends when the token expires or the server drains;
 * reconnect with the last cursor (to another server as well).
 */
import type { Request, Response } from 'express';
import type { ServerContext } from '../socket/ServerContext.js';
import { authorize } from '../socket/authorize.js';
import { FeedQuery, SpaceParams } from './schemas.js';
import { httpConnection } from './httpConnection.js';
import { feedPage, waitForPage, type FeedPage } from './changeFeed.js';

const HEARTBEAT_MS = 15_000;

export async function serveFeed(ctx: ServerContext, req: Request, res: Response): Promise<void> {
  const { space } = SpaceParams.parse(req.params);
  const q = FeedQuery.parse(req.query);
  const conn = await httpConnection(ctx, req);
  await authorize(ctx, conn, space, 'read');
  const limit = Math.min(q.limit ?? ctx.opts.limits.maxPullLimit, ctx.opts.limits.maxPullLimit);
  const lastEventId = req.get('last-event-id');
  const cursor = q.cursor ?? (lastEventId ? lastEventId.slice(0, 512) : null);
  const expired = () => conn.expiresAt !== undefined && Date.now() >= conn.expiresAt;
  if (!(req.get('accept') ?? '').includes('text/event-stream')) {
    res.json(await waitForPage(ctx, space, cursor, limit, (q.wait ?? 0) * 1000, expired));
    return;
  }
  // The first page before any header: a bad cursor is still a typed 400.
  const first = await feedPage(ctx, space, cursor, limit);
  res.writeHead(200, {
    'content-type': 'text/event-stream',
    'cache-control': 'no-store',
    connection: 'keep-alive',
    'x-accel-buffering': 'no',
  });
  res.write('retry: 1000\n\n');
  let closed = false;
  req.on('close', () => (closed = true));
  const heartbeat = setInterval(() => res.write(': ping\n\n'), HEARTBEAT_MS);
  try {
    let page: FeedPage = first;
    for (;;) {
      for (const c of page.changes) res.write(`event: change\nid: ${c.cursor}\ndata: ${JSON.stringify(c)}\n\n`);
      if (closed || ctx.isDraining() || expired()) break;
      page = await waitForPage(ctx, space, page.cursor, limit, HEARTBEAT_MS, () => closed || expired());
    }
  } catch (err) {
    ctx.logger.warn({ err, space }, 'change feed stopped');
  } finally {
    clearInterval(heartbeat);
    res.end();
  }
}
