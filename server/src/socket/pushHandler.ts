/**
 * `push`: validate the message, run the write pipeline (write/writeChanges.ts:
 * authorize, per-op validation hooks, clock skew, replicator), answer one
 * OpResult per change (in order), then poke the spaces' rooms and arrange
 * the later `replicated` notice.
 */
import { Events, PushRequestSchema, type Change, type OpResult, type PokeMessage, type PushReply } from '@syncline/shared';
import type { ConnectionContext } from '../Extension.js';
import { roomOf, type ServerContext } from './ServerContext.js';
import { checkBatchSize } from './changeLimits.js';
import { ReplyThen } from './onRequest.js';
import { writeChanges } from '../write/writeChanges.js';

export async function handlePush(ctx: ServerContext, conn: ConnectionContext, payload: unknown): Promise<ReplyThen<PushReply>> {
  checkBatchSize(payload, ctx.opts.limits);
  const req = PushRequestSchema.parse(payload);
  const changes = req.changes as Change[];
  const out = await writeChanges(ctx, conn, changes, { ack: req.ack });
  return new ReplyThen<PushReply>({ results: out.results, ack: out.ack }, () => {
    out.afterReply();
    liveAfterWrite(ctx, changes, out.results);
  });
}

/**
 * Tells the rooms of the spaces a write changed (also used by the HTTP
 * records API): committed record rows go out as `changes` (live/); without
 * live delivery, a `poke`.
 */
export function liveAfterWrite(ctx: ServerContext, changes: Change[], results: OpResult[]): void {
  if (ctx.live) return ctx.live.committed(changes, results);
  const spaces = new Set(changes.filter((_, i) => results[i]!.status === 'ok').map((c) => c.space));
  for (const space of spaces) ctx.io.to(roomOf(space)).emit(Events.poke, { space } satisfies PokeMessage);
}
