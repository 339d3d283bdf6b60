/**
 * `push`: validate, authorize, bound clock skew, write through the
 * replicator, answer one OpResult per change (in order), then poke the
 * spaces' rooms and arrange the later `replicated` notice.
 */
import {
  Events,
  PushRequestSchema,
  SyncError,
  toSyncError,
  type Change,
  type OpResult,
  type PokeMessage,
  type PushReply,
} from '@syncline/shared';
import { runHook, type ConnectionContext } from '../Extension.js';
import { roomOf, type ServerContext } from './ServerContext.js';
import { authorize } from './authorize.js';
import { boundClockSkew } from './clockSkew.js';
import { capAckMode } from './capAckMode.js';
import { changeProblem, checkBatchSize } from './changeLimits.js';
import { ReplyThen } from './onRequest.js';

export async function handlePush(ctx: ServerContext, conn: ConnectionContext, payload: unknown): Promise<ReplyThen<PushReply>> {
  const started = performance.now();
  checkBatchSize(payload, ctx.opts.limits);
  const req = PushRequestSchema.parse(payload);
  const mode = capAckMode(req.ack ?? ctx.opts.mode, ctx.opts.maxAck);
  const changes = req.changes as Change[];
  await runHook(ctx.extensions, 'beforeWrite', (ext) => ext.beforeWrite!({ ctx: conn, changes }));

  const denied = await deniedSpaces(ctx, conn, changes);
  const results: (OpResult | undefined)[] = changes.map((c) => {
    const problem = denied.get(c.space) ?? changeProblem(c, ctx.opts.limits);
    return problem ? { opId: c.opId, status: 'rejected', error: problem.toWire() } : undefined;
  });

  const toWrite: Change[] = [];
  const slots: number[] = [];
  const stamps = new Map<number, string>();
  changes.forEach((c, i) => {
    if (results[i]) return;
    const { change, hlc } = boundClockSkew(c, ctx.clock, ctx.opts.maxClockSkewMs);
    if (hlc) stamps.set(i, hlc);
    slots.push(i);
    toWrite.push(change);
  });
  ctx.metrics.recordRestamp(stamps.size);

  const opIds = toWrite.map((c) => c.opId);
  ctx.notifier.track(conn.socketId, opIds);
  const written = toWrite.length > 0 ? await writeOps(ctx, toWrite, mode) : [];
  slots.forEach((slot, j) => {
    const r: OpResult = { ...written[j]!, opId: changes[slot]!.opId };
    const hlc = stamps.get(slot);
    // A duplicate reports the stamp it was stored with (from the replicator), not this new candidate.
    if (hlc && r.status === 'ok' && r.hlc === undefined) r.hlc = hlc;
    results[slot] = r;
  });

  const final = results as OpResult[];
  ctx.metrics.recordPush(mode, final, (performance.now() - started) / 1000);
  const okPending = new Set(final.filter((r) => r.status === 'ok' && !r.replicated).map((r) => r.opId));
  return new ReplyThen<PushReply>({ results: final, ack: mode }, () => {
    ctx.notifier.acked(opIds, okPending);
    poke(ctx, changes, final);
  });
}

async function deniedSpaces(ctx: ServerContext, conn: ConnectionContext, changes: Change[]): Promise<Map<string, SyncError>> {
  const denied = new Map<string, SyncError>();
  for (const space of new Set(changes.map((c) => c.space))) {
    try {
      await authorize(ctx, conn, space, 'write');
    } catch (err) {
      denied.set(space, toSyncError(err));
    }
  }
  return denied;
}

/**
 * The replicator answers per op; if it throws instead, a NOT_ENOUGH_REPLICAS
 * error means nothing was written (rejected), anything else may have been
 * partly written (indeterminate: the client retries with the same op ids).
 */
async function writeOps(ctx: ServerContext, ops: Change[], mode: PushReply['ack']): Promise<OpResult[]> {
  try {
    const out = await ctx.replicator.write(ops, mode);
    if (out.length !== ops.length) throw new SyncError('INTERNAL', `replicator answered ${out.length} results for ${ops.length} ops`);
    return out;
  } catch (err) {
    const error = toSyncError(err);
    ctx.logger.warn({ err, mode }, 'replicator write failed');
    const status = error.code === 'NOT_ENOUGH_REPLICAS' ? 'rejected' : 'indeterminate';
    return ops.map((op) => ({ opId: op.opId, status, error: error.toWire() }));
  }
}

function poke(ctx: ServerContext, changes: Change[], results: OpResult[]): void {
  const spaces = new Set(changes.filter((_, i) => results[i]!.status === 'ok').map((c) => c.space));
  for (const space of spaces) ctx.io.to(roomOf(space)).emit(Events.poke, { space } satisfies PokeMessage);
}
