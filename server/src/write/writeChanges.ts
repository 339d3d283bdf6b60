/**
 * The one write pipeline behind the socket `push` and the HTTP records API:
 * authorize, size checks, the extensions' per-op `validateChange`, bound
 * clock skew, write through the replicator, one OpResult per change (in
 * order). Validated Yjs updates are relayed to their documents' rooms
 * before the write (live/). The caller answers, then runs `afterReply`
 * (replicated notices) and `liveAfterWrite` (committed rows to the rooms).
 *
 * `atomic`: when one op is refused before writing, every op of the call is
 * refused with that error (an HTTP PUT is a delete + put that must not be
 * half-applied). Across nodes each call's ops commit in one batch per node.
 */
import { SyncError, toSyncError, type AckMode, type Change, type OpResult } from '@syncline/shared';
import { runHook, type ConnectionContext, type SpaceAction } from '../Extension.js';
import type { ServerContext } from '../socket/ServerContext.js';
import { authorize } from '../socket/authorize.js';
import { boundClockSkew } from '../socket/clockSkew.js';
import { capAckMode } from '../socket/capAckMode.js';
import { changeProblem } from '../socket/changeLimits.js';
import { validateChange } from './validateChanges.js';
import { writerProblem } from './writerIdentity.js';
import { writerIdentity } from '../docs/YjsOwners.js';
import type { AuthInfo } from '../auth/AuthOptions.js';

const authSub = (conn: ConnectionContext) => (conn.data.auth as AuthInfo | undefined)?.sub;

export interface WriteOptions {
  /** Requested ack mode (capped by `--max-ack`); default: the server's mode. */
  ack?: AckMode;
  /** The role the writer needs per space: `write` (sockets) or `service` (HTTP). */
  action?: Extract<SpaceAction, 'write' | 'service'>;
  atomic?: boolean;
  /** The HLC node every put/delete must carry: the writer's client id (default), or null when the server stamps (HTTP). */
  stampNode?: string | null;
}

export interface WriteOutcome {
  results: OpResult[];
  /** The ack mode applied. */
  ack: AckMode;
  /** The changes as written (after validation hooks and re-stamps), by slot; undefined where refused. */
  written: (Change | undefined)[];
  afterReply(): void;
}

export async function writeChanges(
  ctx: ServerContext,
  conn: ConnectionContext,
  changes: Change[],
  opts: WriteOptions = {},
): Promise<WriteOutcome> {
  const started = performance.now();
  const mode = capAckMode(opts.ack ?? ctx.opts.mode, ctx.opts.maxAck);
  await runHook(ctx.extensions, 'beforeWrite', (ext) => ext.beforeWrite!({ ctx: conn, changes }));

  const denied = await deniedSpaces(ctx, conn, changes, opts.action ?? 'write');
  const results: (OpResult | undefined)[] = [];
  const accepted: (Change | undefined)[] = [];
  // Without validateChange hooks a record op needs no await (one microtask turn per op, issue 14).
  const hooks = ctx.extensions.some((ext) => ext.validateChange);
  for (const c of changes) {
    let problem =
      denied.get(c.space) ??
      writerProblem(c, conn.clientId, opts.stampNode === undefined ? conn.clientId : opts.stampNode) ??
      changeProblem(c, ctx.opts.limits);
    let change: Change | undefined;
    if (!problem && !hooks && c.kind !== 'yjs') {
      change = c;
    } else if (!problem) {
      try {
        change = await validateChange(ctx.extensions, conn, c);
        if (change.kind === 'yjs' && ctx.yjsOwners)
          problem = await ctx.yjsOwners.check(writerIdentity(authSub(conn), conn.clientId), change);
        if (problem) change = undefined;
      } catch (err) {
        problem = toSyncError(err);
      }
    }
    results.push(problem ? { opId: c.opId, status: 'rejected', error: problem.toWire() } : undefined);
    accepted.push(change);
  }
  const firstRefusal = results.find((r) => r !== undefined);
  if (opts.atomic && firstRefusal) {
    changes.forEach((c, i) => {
      results[i] ??= { opId: c.opId, status: 'rejected', error: firstRefusal.error! };
      accepted[i] = undefined;
    });
  }

  const toWrite: Change[] = [];
  const slots: number[] = [];
  const stamps = new Map<number, string>();
  accepted.forEach((c, i) => {
    if (!c) return;
    const { change, hlc } = boundClockSkew(c, ctx.clock, ctx.opts.maxClockSkewMs);
    if (hlc) stamps.set(i, hlc);
    slots.push(i);
    toWrite.push(change);
    accepted[i] = change;
  });
  ctx.metrics.recordRestamp(stamps.size);

  // Yjs updates go to the document's other subscribers no later than the primary commit (live/).
  ctx.live?.relayDocs(conn.socketId, toWrite);
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
  return { results: final, ack: mode, written: accepted, afterReply: () => ctx.notifier.acked(opIds, okPending) };
}

async function deniedSpaces(
  ctx: ServerContext,
  conn: ConnectionContext,
  changes: Change[],
  action: SpaceAction,
): Promise<Map<string, SyncError>> {
  const denied = new Map<string, SyncError>();
  for (const space of new Set(changes.map((c) => c.space))) {
    try {
      await authorize(ctx, conn, space, action);
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
async function writeOps(ctx: ServerContext, ops: Change[], mode: AckMode): Promise<OpResult[]> {
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
