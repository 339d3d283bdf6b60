/**
 * `push`: validate the message, run the write pipeline (write/writeChanges.ts:
 * authorize, per-op validation hooks, clock skew, replicator), answer one
 * OpResult per change (in order), then poke the spaces' rooms and arrange
 * the later `replicated` notice.
 */
import { Events, PushEnvelopeSchema, type AckMode, type Change, type OpResult, type PokeMessage, type PushReply } from '@syncline/shared';
import type { ConnectionContext } from '../Extension.js';
import { roomOf, type ServerContext } from './ServerContext.js';
import { checkBatchSize } from './changeLimits.js';
import { ReplyThen } from './onRequest.js';
import { writeChanges, type WriteOutcome } from '../write/writeChanges.js';
import { mergeResults, splitChanges } from './splitChanges.js';
import { capAckMode } from './capAckMode.js';

/** Every change of the push was refused by the schema: nothing to write. */
function emptyWrite(ctx: ServerContext, ack: AckMode | undefined): WriteOutcome {
  return { results: [], ack: capAckMode(ack ?? ctx.opts.mode, ctx.opts.maxAck), written: [], afterReply: () => {} };
}

export async function handlePush(ctx: ServerContext, conn: ConnectionContext, payload: unknown): Promise<ReplyThen<PushReply>> {
  checkBatchSize(payload, ctx.opts.limits);
  const req = PushEnvelopeSchema.parse(payload);
  const split = splitChanges(req.changes);
  const changes = split.valid;
  const out = changes.length > 0 ? await writeChanges(ctx, conn, changes, { ack: req.ack }) : emptyWrite(ctx, req.ack);
  const results = mergeResults(split, out.results, req.changes.length);
  return new ReplyThen<PushReply>({ results, ack: out.ack }, () => {
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
